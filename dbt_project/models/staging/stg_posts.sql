-- One row per post: the latest delivery wins (later dumps carry updated impressions and reach);
-- first_dump_date is its first delivery (incremental engagement models rebuild late posts).
with

source as (
    select * from {{ source('raw', 'posts') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform, post_id
            order by _dump_date desc, _source_file desc, _source_row desc
        ) as row_rank,
        min(_dump_date) over (partition by platform, post_id) as first_dump_date
    from source
),

renamed as (
    select
        platform,
        post_id,
        account_id,
        created_at,
        lower(kind) as kind,
        text as post_text,
        impressions,
        reach,
        _dump_date as dump_date,
        first_dump_date
    from ranked
    where row_rank = 1
)

select * from renamed
