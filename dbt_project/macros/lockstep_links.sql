{#- The pair search of int_lockstep_links, one chunk of first actors at a time.

    The search groups every pair of actors that co-acted at least once: at the L benchmark size
    535 million pairs from 568 million co-actions, of which 660 are links. One statement holding
    all those groups ran out of DuckDB's memory_limit (4GB); a chunk holds 1/var('lockstep_pair_chunks')
    of them. The model builds chunk 0 and inserts the others from post-hooks, one statement each,
    so only one chunk's groups exist at a time. Chunks split pairs by their first actor, so a
    pair's co-actions all fall in one chunk and the result does not depend on the chunk count. -#}

{#- A stable bucket in [0, buckets) for a string. -#}
{% macro hash_bucket(expr, buckets) -%}
    {{ return(adapter.dispatch('hash_bucket', 'truefans')(expr, buckets)) }}
{%- endmacro %}

{% macro default__hash_bucket(expr, buckets) -%}
    hash({{ expr }}) % {{ buckets }}
{%- endmacro %}

{% macro spark__hash_bucket(expr, buckets) -%}
    pmod(hash({{ expr }}), {{ buckets }})
{%- endmacro %}

{#- post_hook list of int_lockstep_links: one insert per chunk after the first. -#}
{% macro lockstep_links_chunk_hooks() -%}
    {%- set hooks = [] -%}
    {%- for chunk in range(1, var('lockstep_pair_chunks')) -%}
        {%- do hooks.append('{{ lockstep_links_insert(' ~ chunk ~ ') }}') -%}
    {%- endfor -%}
    {{ return(hooks) }}
{%- endmacro %}

{% macro lockstep_links_insert(chunk) -%}
    insert into {{ this }} (platform, action_kind, actor_a, actor_b, common_targets, fewest_targets)
    {{ lockstep_links_chunk(chunk) }}
{%- endmacro %}

{#- Links whose first actor falls in the chunk. The search is bounded three ways, none of which
    can drop a link:
    1. Time buckets as wide as the window: two actions at most the window apart fall in the same
       or adjacent buckets, so the join is an equi-join on (target, bucket) against each action
       copied into its three neighbouring buckets (joining on the target alone paired every two
       actors of a popular post: 437 million candidate rows at the M benchmark size).
    2. Each pair is searched from its actor with fewer targets (the first actor, ties by id). A
       link needs common targets >= min_targets and >= min_share x that actor's targets, and
       common targets are dense actions of both actors, so that actor must have at least that
       many dense actions, and so must the other.
    3. Hence only those actors start a search (6.8 of 46 million dense actions at L), and only
       partners with enough dense actions are joined.
    The actions are read from the table in both roles, not from a shared CTE, which DuckDB
    would hold in memory. -#}
{% macro lockstep_links_chunk(chunk) -%}
    {%- set window = var('lockstep_window_seconds') -%}
    {%- set min_targets = var('lockstep_min_targets') -%}
    {%- set min_share = var('lockstep_min_share') -%}
with

pair_sources as (
    select
        platform,
        action_kind,
        target_id,
        actor_id,
        acted_epoch,
        actor_targets,
        cast(floor(acted_epoch / {{ window }}) as {{ dbt.type_bigint() }}) as time_bucket
    from {{ ref('int_lockstep_actions') }}
    where
        dense_targets >= {{ min_targets }}
        and dense_targets >= {{ min_share }} * actor_targets
        and {{ hash_bucket('actor_id', var('lockstep_pair_chunks')) }} = {{ chunk }}
),

bucket_offsets as (
    select -1 as bucket_offset
    union all
    select 0 as bucket_offset
    union all
    select 1 as bucket_offset
),

partner_actions as (
    select
        lockstep_actions.platform,
        lockstep_actions.action_kind,
        lockstep_actions.target_id,
        lockstep_actions.actor_id,
        lockstep_actions.acted_epoch,
        lockstep_actions.actor_targets,
        lockstep_actions.dense_targets,
        cast(floor(lockstep_actions.acted_epoch / {{ window }}) as {{ dbt.type_bigint() }})
        + bucket_offsets.bucket_offset as probe_bucket
    from {{ ref('int_lockstep_actions') }} as lockstep_actions
    cross join bucket_offsets
    where lockstep_actions.dense_targets >= {{ min_targets }}
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
    inner join partner_actions as second_actions
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
            and second_actions.dense_targets >= {{ min_share }} * first_actions.actor_targets
            and abs(first_actions.acted_epoch - second_actions.acted_epoch) <= {{ window }}
    group by
        first_actions.platform,
        first_actions.action_kind,
        first_actions.actor_id,
        second_actions.actor_id
)

select
    platform,
    action_kind,
    actor_a,
    actor_b,
    common_targets,
    fewest_targets
from pairs
where
    common_targets >= {{ min_targets }}
    and common_targets >= {{ min_share }} * fewest_targets
{%- endmacro %}
