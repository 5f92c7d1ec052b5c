-- The dump dates that delivered follow data, one row per follow source (`events`: raw.follows,
-- `snapshots`: raw.follower_snapshots) and dump date. Read from raw, not from stg_follows or
-- stg_follower_snapshots: those keep each row's first delivery only, so a dump that only
-- re-delivered rows would be missing there, and the daily spine would end too early.
with

dump_dates as (
    select
        'events' as follow_source,
        _dump_date as dump_date
    from {{ source('raw', 'follows') }}
    union all
    select
        'snapshots' as follow_source,
        _dump_date as dump_date
    from {{ source('raw', 'follower_snapshots') }}
),

final as (
    select
        follow_source,
        dump_date,
        count(*) as raw_rows
    from dump_dates
    group by follow_source, dump_date
)

select * from final
