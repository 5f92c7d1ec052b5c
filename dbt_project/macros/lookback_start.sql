{#- First date an incremental run reprocesses: var('lookback_days') before the newest value of
    `column` already in the model, or before the date in env var TRUEFANS_REPROCESS_FROM when
    that is earlier. The pipeline sets it to the first dump date of its run, so a backfill of an
    old dump date (or a re-run of any partition) rebuilds everything from that date on, exactly
    as loading in order would have; a nightly run of the newest date changes nothing.
    An environment variable, not a --var: it is only read when the model runs (inside
    is_incremental()), so a new value every night keeps dbt's partial parsing (a changed --vars
    forces a full re-parse, about 12 s here). -#}
{% macro lookback_start(column) -%}
    {%- set newest = 'max(' ~ column ~ ')' -%}
    {%- set reprocess_from = env_var('TRUEFANS_REPROCESS_FROM', '') -%}
    {%- if reprocess_from -%}
        {#- a malformed date fails here, before it could reach SQL -#}
        {%- set _ = modules.datetime.datetime.strptime(reprocess_from, '%Y-%m-%d') -%}
        {%- set newest = 'least(' ~ newest ~ ', ' ~ dbt.cast(dbt.string_literal(reprocess_from), 'date') ~ ')' -%}
    {%- endif %}
    (select cast({{ dbt.dateadd('day', -var('lookback_days'), newest) }} as date) from {{ this }})
{%- endmacro %}
