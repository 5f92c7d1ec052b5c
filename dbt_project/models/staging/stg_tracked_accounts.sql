-- The latest dump of tracked_accounts is the list in force (LANDING_CONTRACT.md).
with

source as (
    select * from {{ source('raw', 'tracked_accounts') }}
),

latest_dump as (
    select max(_dump_date) as dump_date from source
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by source.platform, source.account_id
            order by source._source_file desc, source._source_row desc
        ) as row_rank
    from source
    inner join latest_dump on source._dump_date = latest_dump.dump_date
),

renamed as (
    select
        platform,
        account_id,
        name,
        upper(home_country) as home_country,
        lower(home_lang) as home_lang,
        _dump_date as dump_date
    from ranked
    where row_rank = 1
)

select * from renamed
