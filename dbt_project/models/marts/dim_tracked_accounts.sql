with

tracked as (
    select * from {{ ref('stg_tracked_accounts') }}
),

profiles as (
    select * from {{ ref('stg_accounts') }}
),

latest_profile as (
    select
        platform,
        account_id,
        handle,
        row_number() over (
            partition by platform, account_id order by observed_at desc
        ) as row_rank
    from profiles
),

follow_sources as (
    select
        platform,
        followee_id as account_id,
        min(follow_source) as follow_source
    from {{ ref('int_follow_events') }}
    group by platform, followee_id
),

final as (
    select
        tracked.platform,
        tracked.account_id,
        latest_profile.handle,
        tracked.name,
        tracked.home_country,
        tracked.home_lang,
        coalesce(follow_sources.follow_source, 'none') as follow_source
    from tracked
    left join latest_profile
        on
            tracked.platform = latest_profile.platform
            and tracked.account_id = latest_profile.account_id
            and latest_profile.row_rank = 1
    left join follow_sources
        on
            tracked.platform = follow_sources.platform
            and tracked.account_id = follow_sources.account_id
)

select * from final
