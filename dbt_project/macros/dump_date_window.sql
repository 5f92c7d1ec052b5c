{#- First dump date an incremental staging model rebuilds, rendered as a date literal so the
    raw scan prunes on it (DuckDB skips row groups by their min/max; a subquery would not) and
    the compiled SQL in target/run_results.json shows which partitions a run read.

    - The pipeline sets env var TRUEFANS_REPROCESS_FROM to the first dump date of its run: the
      window starts there, or the day after the newest dump date already built when that is
      earlier (a run whose dbt step failed left partitions unbuilt: the next run builds them).
      A nightly run therefore reads only the new dump date's raw rows.
    - Without it (a plain `dbt build`): the newest dump date built, less var('lookback_days').
    - An empty model, or one built before it had `dump_date`: no window, everything is read. -#}
{% macro dump_date_window_start() -%}
    {%- set reprocess_from = env_var('TRUEFANS_REPROCESS_FROM', '') -%}
    {%- set start = none -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list if execute else [] -%}
    {%- if 'dump_date' in columns -%}
        {%- set newest = run_query('select max(dump_date) from ' ~ this).columns[0].values()[0] -%}
        {%- if newest is not none -%}
            {%- set newest = modules.datetime.date.fromisoformat(newest | string) -%}
            {%- if reprocess_from -%}
                {#- a malformed date fails here, before it could reach SQL -#}
                {%- set requested = modules.datetime.date.fromisoformat(reprocess_from) -%}
                {%- set start = [requested, newest + modules.datetime.timedelta(days=1)] | min -%}
            {%- else -%}
                {%- set start = newest - modules.datetime.timedelta(days=var('lookback_days')) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ dbt.cast(dbt.string_literal(start.isoformat() if start else '0001-01-01'), 'date') }}
{%- endmacro %}
