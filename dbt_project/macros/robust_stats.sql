{#- Robust statistics over a window frame, for burst detection. DuckDB has exact `median` and
    `mad` window aggregates; Spark has neither, so its port uses percentile_approx and the
    half inter-quartile range (equal to the MAD for symmetric distributions). -#}
{% macro rolling_median(expr, partition_by, order_by, preceding, following) -%}
    {{ return(adapter.dispatch('rolling_median', 'truefans')(expr, partition_by, order_by, preceding, following)) }}
{%- endmacro %}

{% macro default__rolling_median(expr, partition_by, order_by, preceding, following) -%}
    median({{ expr }}) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between {{ preceding }} preceding and {{ following }} following
    )
{%- endmacro %}

{% macro spark__rolling_median(expr, partition_by, order_by, preceding, following) -%}
    percentile_approx({{ expr }}, 0.5) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between {{ preceding }} preceding and {{ following }} following
    )
{%- endmacro %}

{% macro rolling_mad(expr, partition_by, order_by, preceding, following) -%}
    {{ return(adapter.dispatch('rolling_mad', 'truefans')(expr, partition_by, order_by, preceding, following)) }}
{%- endmacro %}

{% macro default__rolling_mad(expr, partition_by, order_by, preceding, following) -%}
    mad({{ expr }}) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between {{ preceding }} preceding and {{ following }} following
    )
{%- endmacro %}

{% macro spark__rolling_mad(expr, partition_by, order_by, preceding, following) -%}
    (
        percentile_approx({{ expr }}, 0.75) over (
            partition by {{ partition_by }}
            order by {{ order_by }}
            rows between {{ preceding }} preceding and {{ following }} following
        )
        - percentile_approx({{ expr }}, 0.25) over (
            partition by {{ partition_by }}
            order by {{ order_by }}
            rows between {{ preceding }} preceding and {{ following }} following
        )
    ) / 2.0
{%- endmacro %}

{#- Median of `expr` over a whole window partition. -#}
{% macro partition_median(expr, partition_by) -%}
    {{ return(adapter.dispatch('partition_median', 'truefans')(expr, partition_by)) }}
{%- endmacro %}

{% macro default__partition_median(expr, partition_by) -%}
    median({{ expr }}) over (partition by {{ partition_by }})
{%- endmacro %}

{% macro spark__partition_median(expr, partition_by) -%}
    percentile_approx({{ expr }}, 0.5) over (partition by {{ partition_by }})
{%- endmacro %}
