{#- Small text helpers for human-readable `reasons`. Engine-specific, so dispatched. -#}

{#- An integer with thousands separators: 4100 -> '4,100'. -#}
{% macro format_count(expr) -%}
    {{ return(adapter.dispatch('format_count', 'truefans')(expr)) }}
{%- endmacro %}

{% macro default__format_count(expr) -%}
    format('{:,}', cast({{ expr }} as bigint))
{%- endmacro %}

{% macro spark__format_count(expr) -%}
    format_number(cast({{ expr }} as bigint), 0)
{%- endmacro %}

{#- True when the string expression contains a match of the regular expression. -#}
{% macro regex_contains(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'truefans')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_contains(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern }}')
{%- endmacro %}

{#- Seconds since the Unix epoch of a timestamp (for range windows over time). -#}
{% macro epoch_seconds(expr) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'truefans')(expr)) }}
{%- endmacro %}

{% macro default__epoch_seconds(expr) -%}
    epoch({{ expr }})
{%- endmacro %}

{% macro spark__epoch_seconds(expr) -%}
    unix_timestamp({{ expr }})
{%- endmacro %}

{#- Length of the longest run of digits in the string expression (0 when it has none). -#}
{% macro longest_digit_run(expr) -%}
    {{ return(adapter.dispatch('longest_digit_run', 'truefans')(expr)) }}
{%- endmacro %}

{% macro default__longest_digit_run(expr) -%}
    coalesce(list_max(list_transform(regexp_extract_all({{ expr }}, '[0-9]+'), lambda run: length(run))), 0)
{%- endmacro %}

{% macro spark__longest_digit_run(expr) -%}
    coalesce(array_max(transform(regexp_extract_all({{ expr }}, '([0-9]+)', 1), run -> length(run))), 0)
{%- endmacro %}
