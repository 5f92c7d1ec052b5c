{#- First date an incremental run reprocesses: var('lookback_days') before the newest value of
    `column` already in the model, or before var('reprocess_from') when that is earlier.
    The pipeline sets `reprocess_from` to the first dump date of its run, so a backfill of an old
    dump date (or a re-run of any partition) rebuilds everything from that date on, exactly as
    loading in order would have; a nightly run of the newest date changes nothing. -#}
{% macro lookback_start(column) -%}
    {%- set newest = 'max(' ~ column ~ ')' -%}
    {%- if var('reprocess_from', none) -%}
        {#- a malformed date fails here, before it could reach SQL -#}
        {%- set _ = modules.datetime.datetime.strptime(var('reprocess_from') | string, '%Y-%m-%d') -%}
        {%- set newest = 'least(' ~ newest ~ ', ' ~ dbt.cast(dbt.string_literal(var('reprocess_from')), 'date') ~ ')' -%}
    {%- endif %}
    (select cast({{ dbt.dateadd('day', -var('lookback_days'), newest) }} as date) from {{ this }})
{%- endmacro %}
