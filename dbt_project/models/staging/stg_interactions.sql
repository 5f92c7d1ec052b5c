-- One row per interaction. Where the dump has no interaction_id, a stable one is derived from
-- the other required columns, so a re-delivered interaction deduplicates either way.
-- Incremental (dbt_project.yml): replaces the newest dump dates (look-back window); an
-- interaction first delivered before the window keeps that first delivery, as a full refresh would.

with

source as (
    select * from {{ source('raw', 'interactions') }}
    {% if is_incremental() %}
        where _dump_date >= {{ dump_date_window_start() }}
    {% endif %}
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
),

-- rows whose key was first delivered before the look-back window keep that first delivery
delivered_before_window as (
    {{ delivered_before_window({'platform': 'string', 'interaction_id': 'string'}) }}
),

final as (
    select renamed.*
    from renamed
    left join delivered_before_window
        on
            renamed.platform = delivered_before_window.platform
            and renamed.interaction_id = delivered_before_window.interaction_id
    where delivered_before_window.interaction_id is null
)

select * from final
