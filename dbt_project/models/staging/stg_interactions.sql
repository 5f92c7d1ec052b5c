-- One row per interaction. Where the dump has no interaction_id, a stable one is derived from
-- the other required columns, so a re-delivered interaction deduplicates either way.
with

source as (
    select * from {{ source('raw', 'interactions') }}
),

identified as (
    select
        *,
        coalesce(
            interaction_id,
            {{ dbt.hash(dbt.concat([
                "platform", "'|'", "post_id", "'|'", "actor_id", "'|'", "kind", "'|'",
                dbt.cast("created_at", api.Column.translate_type("string"))
            ])) }}
        ) as derived_interaction_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform, derived_interaction_id
            order by _dump_date, _source_file, _source_row
        ) as row_rank
    from identified
),

renamed as (
    select
        platform,
        derived_interaction_id as interaction_id,
        post_id,
        actor_id,
        kind as interaction_kind,
        created_at,
        text as interaction_text,
        client,
        _dump_date as dump_date
    from ranked
    where row_rank = 1
)

select * from renamed
