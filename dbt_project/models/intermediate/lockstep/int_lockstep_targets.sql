-- The targets of each lockstep group: posts or accounts on which at least
-- var('lockstep_min_group') members acted in one dense moment, with when they did.
with

actions as (
    select * from {{ ref('int_lockstep_actions') }}
),

members as (
    select * from {{ ref('int_lockstep_members') }}
),

member_actions as (
    select
        members.platform,
        members.group_id,
        members.action_kind,
        actions.target_id,
        actions.actor_id,
        actions.acted_at
    from members
    inner join actions
        on
            members.platform = actions.platform
            and members.action_kind = actions.action_kind
            and members.actor_id = actions.actor_id
),

final as (
    select
        platform,
        group_id,
        action_kind,
        target_id,
        count(distinct actor_id) as members_acting,
        min(acted_at) as first_acted_at,
        max(acted_at) as last_acted_at
    from member_actions
    group by platform, group_id, action_kind, target_id
    having count(distinct actor_id) >= {{ var('lockstep_min_group') }}
)

select * from final
