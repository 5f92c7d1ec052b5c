{#- The rows a dbt test of a model checks. dbt wraps the model of every generic test in
    get_where_subquery; this project's version adds, for the dump-date partitioned staging
    models (var('partitioned_staging')), the partitions this dbt invocation rebuilt: rows from
    the window start their pre-hook recorded in audit.partition_reads
    (macros/record_partition_reads.sql). A nightly run tests its one new dump date, a full build
    (no window) or a `dbt test` without the model's build every row. Rows before the window were
    tested when they were built, and the models keep them as they were (delivered_before_window).
    A test's own `where` config applies as well. Rendered when the test runs, so
    invocation_id is the current one. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if relation.identifier in var('partitioned_staging') -%}
        {%- do conditions.append(
            'dump_date >= coalesce((select max(window_start) from audit.partition_reads'
            ~ " where invocation_id = '" ~ invocation_id ~ "'"
            ~ " and model_name = '" ~ relation.identifier ~ "'), "
            ~ dbt.cast(dbt.string_literal('0001-01-01'), 'date') ~ ')'
        ) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
