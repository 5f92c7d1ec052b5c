-- One row per group of accounts acting in lockstep (MARTS_CONTRACT.md): size, targets hit
-- together, and when the group was first and last seen acting together.
with

members as (
    select * from {{ ref('int_lockstep_members') }}
),

targets as (
    select * from {{ ref('int_lockstep_targets') }}
),

sizes as (
    select
        platform,
        group_id,
        min(action_kind) as kind,
        count(*) as member_count
    from members
    group by platform, group_id
),

activity as (
    select
        platform,
        group_id,
        count(*) as target_count,
        min(first_acted_at) as first_seen_at,
        max(last_acted_at) as last_seen_at
    from targets
    group by platform, group_id
),

final as (
    select
        sizes.platform,
        sizes.group_id,
        sizes.member_count,
        coalesce(activity.target_count, 0) as target_count,
        activity.first_seen_at,
        activity.last_seen_at,
        sizes.kind
    from sizes
    left join activity
        on
            sizes.platform = activity.platform
            and sizes.group_id = activity.group_id
)

select * from final
