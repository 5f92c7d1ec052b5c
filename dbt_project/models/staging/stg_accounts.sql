-- Profile observations, one row per (platform, account_id, observed_at); a profile dumped twice
-- keeps its most recent delivery.
with

source as (
    select * from {{ source('raw', 'accounts') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform, account_id, observed_at
            order by _dump_date desc, _source_file desc, _source_row desc
        ) as row_rank
    from source
),

renamed as (
    select
        platform,
        account_id,
        observed_at,
        handle,
        display_name,
        bio,
        location,
        lower(lang) as lang,
        created_at,
        followers_count,
        following_count,
        posts_count,
        listed_count,
        has_default_avatar,
        verified,
        url,
        _dump_date as dump_date
    from ranked
    where row_rank = 1
)

select * from renamed
