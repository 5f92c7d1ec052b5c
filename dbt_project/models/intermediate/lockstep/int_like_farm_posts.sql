-- Posts of tracked accounts that received coordinated bought engagement: a like lockstep group
-- (int_lockstep_targets) acted on them. Read by `fct_post_engagement.is_like_farm_target`.
with

targets as (
    select * from {{ ref('int_lockstep_targets') }}
),

posts as (
    select
        platform,
        post_id
    from {{ ref('int_tracked_posts') }}
),

final as (
    select distinct
        posts.platform,
        posts.post_id
    from posts
    inner join targets
        on
            posts.platform = targets.platform
            and posts.post_id = targets.target_id
    where targets.action_kind = 'like'
)

select * from final
