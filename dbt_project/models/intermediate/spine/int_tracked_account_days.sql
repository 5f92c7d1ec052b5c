-- One row per tracked account and calendar day (UTC), from the first dump date of the follow
-- data (stg_follow_dump_dates) to the last dump date or, if later, the day of the last change
-- of a tracked account's followers (int_follower_counts): the spine every daily mart hangs on.
-- A dump may hold events stamped after its dump date's end in UTC (the contract accepts up to
-- a day: a crawl that ran late in the evening west of Greenwich). Ending at the dump date would
-- leave those follows out of every end-of-day count while they are current followers
-- (marts.fct_follower_authenticity): the latest day's followers are all the changes there are.
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

dump_bounds as (
    select
        min(dump_date) as first_day,
        max(dump_date) as last_dump_day
    from dump_dates
),

last_change as (
    select max(cast(changed_at as date)) as last_change_day
    from {{ ref('int_follower_counts') }}
),

bounds as (
    select
        dump_bounds.first_day,
        case
            when last_change.last_change_day > dump_bounds.last_dump_day
                then last_change.last_change_day
            else dump_bounds.last_dump_day
        end as last_day
    from dump_bounds
    cross join last_change
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
