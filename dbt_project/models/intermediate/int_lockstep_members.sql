-- Groups of accounts acting in lockstep: two actors are linked when they acted on at least
-- var('lockstep_min_targets') common targets within var('lockstep_window_seconds') seconds of
-- each other, and those are at least var('lockstep_min_share') of the targets either acted on
-- (a fan who likes every post meets a farm by chance now and then; a farm member acts only with
-- the farm); a group is a connected component of those links (minimum-label propagation, a
-- fixed number of rounds, which suffices for the near-cliques farms form) with at least
-- var('lockstep_min_group') members. group_id = kind and the smallest member id.
{%- set rounds = 6 %}
with

actions as (
    select * from {{ ref('int_lockstep_actions') }}
),

pairs as (
    select
        first_actions.platform,
        first_actions.action_kind,
        first_actions.actor_id as actor_a,
        second_actions.actor_id as actor_b,
        count(distinct first_actions.target_id) as common_targets,
        least(max(first_actions.actor_targets), max(second_actions.actor_targets)) as fewest_targets
    from actions as first_actions
    inner join actions as second_actions
        on
            first_actions.platform = second_actions.platform
            and first_actions.action_kind = second_actions.action_kind
            and first_actions.target_id = second_actions.target_id
            and first_actions.actor_id < second_actions.actor_id
            and abs(first_actions.acted_epoch - second_actions.acted_epoch)
            <= {{ var('lockstep_window_seconds') }}
    group by
        first_actions.platform,
        first_actions.action_kind,
        first_actions.actor_id,
        second_actions.actor_id
),

links as (
    select
        platform,
        action_kind,
        actor_a,
        actor_b
    from pairs
    where
        common_targets >= {{ var('lockstep_min_targets') }}
        and common_targets >= {{ var('lockstep_min_share') }} * fewest_targets
    union all
    select
        platform,
        action_kind,
        actor_b as actor_a,
        actor_a as actor_b
    from pairs
    where
        common_targets >= {{ var('lockstep_min_targets') }}
        and common_targets >= {{ var('lockstep_min_share') }} * fewest_targets
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
