{#- The raw interactions stg_interactions reads (from `window_start` on, when given), each with
    the id it deduplicates on: the dump's interaction_id, or a stable hash of platform, post,
    actor, kind and time (likes come without an id). The model inlines it once per branch. -#}
{% macro interaction_deliveries(window_start) -%}
    select
        platform,
        coalesce(
            interaction_id,
            {{ dbt.hash(dbt.concat([
                "platform", "'|'", "post_id", "'|'", "actor_id", "'|'", "kind", "'|'",
                dbt.cast("created_at", api.Column.translate_type("string"))
            ])) }}
        ) as derived_interaction_id,
        post_id,
        actor_id,
        kind,
        created_at,
        text,
        client,
        _dump_date,
        _source_file,
        _source_row
    from {{ source('raw', 'interactions') }}
    {%- if window_start is not none %}
        where _dump_date >= {{ window_start }}
    {%- endif %}
{%- endmacro %}
