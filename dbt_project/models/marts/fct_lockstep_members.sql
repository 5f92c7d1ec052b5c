-- Members of each lockstep group (MARTS_CONTRACT.md).
with

members as (
    select * from {{ ref('int_lockstep_members') }}
),

final as (
    select
        platform,
        group_id,
        actor_id
    from members
)

select * from final
