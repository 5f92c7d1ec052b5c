-- Posts of tracked accounts with the account's followers at the moment of posting: the count
-- after the last follower change at or before created_at. Null when no follower data precedes
-- the post (e.g. a snapshot-only account before its first snapshot): unknown, not zero.
with

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

posts as (
    select stg_posts.*
    from {{ ref('stg_posts') }} as stg_posts
    inner join tracked
        on
            stg_posts.platform = tracked.platform
            and stg_posts.account_id = tracked.account_id
),

follower_counts as (
    select * from {{ ref('int_follower_counts') }}
),

timeline as (
    select
        platform,
        account_id,
        changed_at as happened_at,
        0 as is_post,
        change_seq,
        cast(null as {{ dbt.type_string() }}) as post_id
    from follower_counts
    union all
    select
        platform,
        account_id,
        created_at as happened_at,
        1 as is_post,
        cast(null as {{ dbt.type_bigint() }}) as change_seq,
        post_id
    from posts
),

positioned as (
    select
        platform,
        account_id,
        post_id,
        is_post,
        max(change_seq) over (
            partition by platform, account_id
            order by happened_at, is_post
            rows between unbounded preceding and current row
        ) as last_change_seq
    from timeline
),

final as (
    select
        posts.platform,
        posts.post_id,
        posts.account_id,
        posts.created_at,
        posts.kind,
        posts.impressions,
        posts.reach,
        posts.first_dump_date,
        cast(follower_counts.followers_after as {{ dbt.type_bigint() }}) as followers_at_post,
        {{ day_number('posts.created_at') }} as day_number
    from posts
    inner join positioned
        on
            posts.platform = positioned.platform
            and posts.post_id = positioned.post_id
            and positioned.is_post = 1
    left join follower_counts
        on
            positioned.platform = follower_counts.platform
            and positioned.account_id = follower_counts.account_id
            and positioned.last_change_seq = follower_counts.change_seq
)

select * from final
