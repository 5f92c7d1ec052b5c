-- Groups of accounts acting in lockstep: a group is a connected component of the links of
-- int_lockstep_links (minimum-label propagation, a fixed number of rounds, which suffices for the
-- near-cliques farms form) with at least var('lockstep_min_group') members.
-- group_id = kind and the smallest member id.
{%- set rounds = 6 %}
with

pair_links as (
    select * from {{ ref('int_lockstep_links') }}
),

links as (
    select
        platform,
        action_kind,
        actor_a,
        actor_b
    from pair_links
    union all
    select
        platform,
        action_kind,
        actor_b as actor_a,
        actor_a as actor_b
    from pair_links
),

labels_0 as (
    select distinct
        platform,
        action_kind,
        actor_a as actor_id,
        actor_a as component_label
    from links
),

{% for i in range(1, rounds + 1) %}
    labels_{{ i }} as (
        select
            labels.platform,
            labels.action_kind,
            labels.actor_id,
            least(labels.component_label, min(neighbours.component_label)) as component_label
        from labels_{{ i - 1 }} as labels
        inner join links
            on
                labels.platform = links.platform
                and labels.action_kind = links.action_kind
                and labels.actor_id = links.actor_a
        inner join labels_{{ i - 1 }} as neighbours
            on
                links.platform = neighbours.platform
                and links.action_kind = neighbours.action_kind
                and links.actor_b = neighbours.actor_id
        group by labels.platform, labels.action_kind, labels.actor_id, labels.component_label
    ),
{% endfor %}

sized as (
    select
        *,
        count(*) over (partition by platform, action_kind, component_label) as member_count
    from labels_{{ rounds }}
),

final as (
    select
        platform,
        action_kind,
        action_kind || '-' || component_label as group_id,
        actor_id,
        member_count
    from sized
    where member_count >= {{ var('lockstep_min_group') }}
)

select * from final
