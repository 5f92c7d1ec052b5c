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

-- The pair search is bounded three ways, none of which can drop a link:
-- 1. Time buckets as wide as the window: two actions at most the window apart fall in the
--    same or adjacent buckets, so the join is an equi-join on (target, bucket) against each
--    action copied into its three neighbouring buckets (joining on the target alone paired
--    every two actors of a popular post: 437 million candidate rows at the M benchmark size).
-- 2. Each pair is searched from its actor with fewer targets (`first_actions`, ties by id).
--    A link needs common targets >= min_targets and >= min_share x that actor's targets, and
--    common targets are dense actions of both actors, so that actor must have at least that
--    many dense actions (`is_pair_source`), and so must the other.
-- 3. Hence only those actors start a search (1.5 of 13 million dense actions at M), and only
--    partners with enough dense actions are joined.
dense_actions as (
    select
        *,
        count(*) over (partition by platform, action_kind, actor_id) as dense_targets,
        cast(floor(acted_epoch / {{ var('lockstep_window_seconds') }}) as {{ dbt.type_bigint() }})
            as time_bucket
    from actions
),

pair_sources as (
    select * from dense_actions
    where
        dense_targets >= {{ var('lockstep_min_targets') }}
        and dense_targets >= {{ var('lockstep_min_share') }} * actor_targets
),

bucket_offsets as (
    select -1 as bucket_offset
    union all
    select 0 as bucket_offset
    union all
    select 1 as bucket_offset
),

neighbour_buckets as (
    select
        dense_actions.*,
        dense_actions.time_bucket + bucket_offsets.bucket_offset as probe_bucket
    from dense_actions
    cross join bucket_offsets
),

pairs as (
    -- one row per pair and common target: an actor acts at most once per target
    select
        first_actions.platform,
        first_actions.action_kind,
        first_actions.actor_id as actor_a,
        second_actions.actor_id as actor_b,
        count(*) as common_targets,
        min(first_actions.actor_targets) as fewest_targets
    from pair_sources as first_actions
    inner join neighbour_buckets as second_actions
        on
            first_actions.platform = second_actions.platform
            and first_actions.action_kind = second_actions.action_kind
            and first_actions.target_id = second_actions.target_id
            and first_actions.time_bucket = second_actions.probe_bucket
            and (
                first_actions.actor_targets < second_actions.actor_targets
                or (
                    first_actions.actor_targets = second_actions.actor_targets
                    and first_actions.actor_id < second_actions.actor_id
                )
            )
            and second_actions.dense_targets >= {{ var('lockstep_min_targets') }}
            and second_actions.dense_targets
            >= {{ var('lockstep_min_share') }} * first_actions.actor_targets
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
