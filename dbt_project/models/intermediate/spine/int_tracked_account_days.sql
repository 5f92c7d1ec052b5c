-- One row per tracked account and calendar day (UTC), from the first to the last dump date of
-- the follow data (stg_follow_dump_dates): the spine every daily mart hangs on.
with

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

dump_dates as (
    select dump_date from {{ ref('stg_follow_dump_dates') }}
),

bounds as (
    select
        min(dump_date) as first_day,
        max(dump_date) as last_day
    from dump_dates
),

calendar as (
    {{ date_series('(select first_day from bounds)', '(select last_day from bounds)') }}
),

final as (
    select
        tracked.platform,
        tracked.account_id,
        calendar.date_day,
        {{ day_number('calendar.date_day') }} as day_number
    from tracked
    cross join calendar
)

select * from final
