{#- Average of a double expression that does not depend on aggregation order: summed as an
    exact decimal, so re-runs and incremental runs give bit-identical marts (a plain avg() over
    doubles can differ in the last bit with the order parallel threads add them in). -#}
{% macro exact_avg(expr) -%}
    cast(avg(cast({{ expr }} as decimal(38, 18))) as double)
{%- endmacro %}
