{#- Average of a double expression that does not depend on aggregation order: summed as an
    exact decimal, so re-runs and incremental runs give bit-identical marts (a plain avg() over
    doubles can differ in the last bit with the order parallel threads add them in). -#}
{% macro exact_avg(expr) -%}
    cast(avg(cast({{ expr }} as decimal(38, 18))) as double)
{%- endmacro %}

{#- Sample standard deviation of an integer expression that does not depend on aggregation order:
    the sums of the values and of their squares are exact decimals (stddev_samp() over doubles
    can differ in the last bit between two runs of the same model). Null for fewer than 2 values,
    as stddev_samp(). -#}
{% macro exact_stddev_samp(expr) -%}
    {%- set value = 'cast(' ~ expr ~ ' as decimal(38, 0))' -%}
    sqrt(
        cast(
            count({{ expr }}) * sum({{ value }} * {{ value }}) - sum({{ value }}) * sum({{ value }})
            as double
        ) / nullif(count({{ expr }}) * (count({{ expr }}) - 1), 0)
    )
{%- endmacro %}
