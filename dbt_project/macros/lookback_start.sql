{#- First date an incremental run reprocesses: var('lookback_days') before the newest value of
    `column` already in the model. -#}
{% macro lookback_start(column) -%}
    (select cast({{ dbt.dateadd('day', -var('lookback_days'), 'max(' ~ column ~ ')') }} as date) from {{ this }})
{%- endmacro %}
