{#- Whole days since 1970-01-01 for a date or timestamp expression. Window arithmetic on
    integers is the same on every engine; `day_number_to_date` turns it back into a date. -#}
{% macro day_number(expr) -%}
    {{ dbt.datediff("cast('1970-01-01' as date)", expr, 'day') }}
{%- endmacro %}

{% macro day_number_to_date(expr) -%}
    cast({{ dbt.dateadd('day', expr, "cast('1970-01-01' as date)") }} as date)
{%- endmacro %}
