{#- Keys of rows first delivered before the incremental look-back window (empty on a full
    refresh). An incremental staging model anti-joins its window rows against this, so a row
    re-delivered later keeps its first delivery, exactly as a full refresh would.
    `columns` maps key column names to their types: {'platform': 'string', 'event_at': 'timestamp'}. -#}
{% macro delivered_before_window(columns) -%}
    {%- if is_incremental() %}
        select {{ columns.keys() | join(', ') }}
        from {{ this }}
        where dump_date < {{ dump_date_window_start() }}
    {%- else %}
        select
        {%- for name, type in columns.items() %}
            cast(null as {{ dbt.type_timestamp() if type == 'timestamp' else dbt.type_string() }}) as {{ name }}
            {{- ',' if not loop.last }}
        {%- endfor %}
        where 1 = 0
    {%- endif %}
{%- endmacro %}
