{#- Pre-hook of the dump-date partitioned staging models: records, before the model runs, which
    raw rows it is about to read, in `audit.partition_reads` (one row per model and dbt
    invocation). The Dagster dbt asset reports it as an observation of the model, and
    tests/test_partition_reads.py asserts that a nightly run reads only the new dump date.
    The raw source is the model name without `stg_` (stg_interactions reads raw.interactions).
    The table is created once per invocation by `create_partition_reads` (on-run-start): models
    run in parallel, and concurrent DDL would conflict. -#}
{% macro record_partition_reads() -%}
    {%- set raw = source('raw', this.name | replace('stg_', '', 1)) -%}
    {%- set start = dump_date_window_start() if is_incremental() else none -%}
    insert into audit.partition_reads
    select
        '{{ invocation_id }}',
        '{{ this.name }}',
        {{ start if start else 'cast(null as date)' }},
        min(_dump_date),
        max(_dump_date),
        count(distinct _dump_date),
        count(*),
        {{ dbt.current_timestamp() }}
    from {{ raw }}
    {%- if start %}
    where _dump_date >= {{ start }}
    {%- endif %}
{%- endmacro %}


{% macro create_partition_reads() -%}
    create schema if not exists audit;
    create table if not exists audit.partition_reads (
        invocation_id {{ dbt.type_string() }},
        model_name {{ dbt.type_string() }},
        window_start date,
        first_dump_date date,
        last_dump_date date,
        dump_dates {{ dbt.type_bigint() }},
        raw_rows {{ dbt.type_bigint() }},
        recorded_at {{ dbt.type_timestamp() }}
    )
{%- endmacro %}
