-- One row per interaction. Where the dump has no interaction_id, a stable one is derived from
-- the other required columns, so a re-delivered interaction deduplicates either way.
-- Incremental (dbt_project.yml): replaces the newest dump dates (look-back window); an
-- interaction first delivered before the window keeps that first delivery, as a full refresh would.
--
-- Deduplication orders only the repeated keys: the keys delivered more than once are found by
-- a narrow group-by, the rows of the other keys pass straight through, and only the repeated
-- ones go through the window that keeps the first delivery. (A window over every row carries
-- every column, text included, through its sort: at L, 130M rows, it spilled more than the
-- disk held; docs/benchmarks.md.) Each branch reads the raw table itself: a CTE read three
-- times may be materialised whole by the engine. The raw rows and their derived ids:
-- macros/interaction_deliveries.sql.

{%- set window_start = dump_date_window_start() if is_incremental() else none %}

{%- set delivery_columns = [
    'platform', 'derived_interaction_id', 'post_id', 'actor_id', 'kind', 'created_at', 'text',
    'client', '_dump_date',
] %}

with

repeated_keys as (
    select
        platform,
        derived_interaction_id
    from ({{ interaction_deliveries(window_start) }}) as source_rows
    group by platform, derived_interaction_id
    having count(*) > 1
),

single_deliveries as (
    select source_rows.*
    from ({{ interaction_deliveries(window_start) }}) as source_rows
    left join repeated_keys
        on
            source_rows.platform = repeated_keys.platform
            and source_rows.derived_interaction_id = repeated_keys.derived_interaction_id
    where repeated_keys.derived_interaction_id is null
),

repeated_deliveries as (
    select
        source_rows.*,
        row_number() over (
            partition by source_rows.platform, source_rows.derived_interaction_id
            order by source_rows._dump_date, source_rows._source_file, source_rows._source_row
        ) as delivery_rank
    from ({{ interaction_deliveries(window_start) }}) as source_rows
    inner join repeated_keys
        on
            source_rows.platform = repeated_keys.platform
            and source_rows.derived_interaction_id = repeated_keys.derived_interaction_id
),

first_deliveries as (
    select {{ delivery_columns | join(', ') }}
    from single_deliveries
    union all
    select {{ delivery_columns | join(', ') }}
    from repeated_deliveries
    where delivery_rank = 1
),

renamed as (
    select
        platform,
        derived_interaction_id as interaction_id,
        post_id,
        actor_id,
        kind as interaction_kind,
        created_at,
        text as interaction_text,
        client,
        _dump_date as dump_date
    from first_deliveries
),

-- rows whose key was first delivered before the look-back window keep that first delivery
delivered_before_window as (
    {{ delivered_before_window({'platform': 'string', 'interaction_id': 'string'}) }}
),

final as (
    select renamed.*
    from renamed
    left join delivered_before_window
        on
            renamed.platform = delivered_before_window.platform
            and renamed.interaction_id = delivered_before_window.interaction_id
    where delivered_before_window.interaction_id is null
)

select * from final
