-- Per tracked account and day: how many current followers (following at the end of the day)
--   * interacted in the last var('active_window_days') days (active followers),
--   * engaged on >= var('true_fan_min_days') distinct days in the last
--     var('true_fan_window_days') days (true fans),
--   * ever interacted up to that day (the rest are ghosts).
-- Each condition becomes day intervals per (account, engager), intersected with follow spells
-- and counted with macros/intervals.sql: no day x engager cross join.
--
-- Incremental, like fct_engagement_daily: a run recounts each built account's days from
-- var('lookback_days') before its newest built day (or before TRUEFANS_REPROCESS_FROM), and
-- the whole history of an account not built yet. Only the facts that reach into those days are
-- read: engager days from a trailing window before them, spells still open then; intervals
-- that began earlier count from the first recounted day. The post-hook deletes the rows of
-- dropped accounts (macros/tracked_accounts_in_force.sql).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['platform', 'account_id', 'day_number'],
        on_schema_change='fail',
        post_hook="{{ delete_rows_off_spine('date_day') }}",
    )
}}

with

spine_accounts as (
    select distinct
        platform,
        account_id
    from {{ ref('int_tracked_account_days') }}
),

-- the first day each account's rows are counted from (macros/lookback_start.sql)
recounted as (
    {{ recount_from('spine_accounts') }}
),

engager_days as (
    select
        engager_daily.platform,
        engager_daily.account_id,
        engager_daily.engager_id,
        engager_daily.day_number,
        engager_daily.engagements,
        recounted.first_day
    from {{ ref('int_engager_daily') }} as engager_daily
    inner join recounted
        on
            engager_daily.platform = recounted.platform
            and engager_daily.account_id = recounted.account_id
),

-- the facts that reach into the recounted days: active from the last active window, fan
-- runs from the last true-fan window
active_engager_days as (
    select *
    from engager_days
    where day_number >= first_day - {{ var('active_window_days') - 1 }}
),

engagement_days as (
    select *
    from engager_days
    where
        engagements > 0
        and day_number >= first_day - {{ var('true_fan_window_days') - 1 }}
),

spells as (
    select
        follower_spells.*,
        recounted.first_day as recounted_from
    from {{ ref('int_follower_spells') }} as follower_spells
    inner join recounted
        on
            follower_spells.platform = recounted.platform
            and follower_spells.account_id = recounted.account_id
    where follower_spells.last_day >= recounted.first_day
),

spine as (
    select tracked_days.*
    from {{ ref('int_tracked_account_days') }} as tracked_days
    inner join recounted
        on
            tracked_days.platform = recounted.platform
            and tracked_days.account_id = recounted.account_id
    where tracked_days.day_number >= recounted.first_day
),

active_raw as (
    select
        platform,
        account_id,
        engager_id,
        day_number as start_day,
        day_number + {{ var('active_window_days') - 1 }} as end_day
    from active_engager_days
),

active_intervals as (
    {{ merge_intervals('active_raw', ['platform', 'account_id', 'engager_id']) }}
),

fan_windows as (
    select
        platform,
        account_id,
        engager_id,
        day_number,
        lead(day_number, {{ var('true_fan_min_days') - 1 }}) over (
            partition by platform, account_id, engager_id order by day_number
        ) as qualifying_day
    from engagement_days
),

fan_raw as (
    select
        platform,
        account_id,
        engager_id,
        qualifying_day as start_day,
        day_number + {{ var('true_fan_window_days') - 1 }} as end_day
    from fan_windows
    where qualifying_day <= day_number + {{ var('true_fan_window_days') - 1 }}
),

fan_intervals as (
    {{ merge_intervals('fan_raw', ['platform', 'account_id', 'engager_id']) }}
),

engaged_intervals as (
    select
        platform,
        account_id,
        engager_id,
        min(day_number) as start_day,
        2147483647 as end_day
    from engager_days
    group by platform, account_id, engager_id
),

{% for kind in ['active', 'fan', 'engaged'] %}
    {{ kind }}_followers as (
        select
            intervals.platform,
            intervals.account_id,
            greatest(intervals.start_day, spells.first_day, spells.recounted_from) as start_day,
            least(intervals.end_day, spells.last_day) as end_day
        from {{ kind }}_intervals as intervals
        inner join spells
            on
                intervals.platform = spells.platform
                and intervals.account_id = spells.account_id
                and intervals.engager_id = spells.follower_id
                and intervals.start_day <= spells.last_day
                and intervals.end_day >= spells.first_day
                and intervals.end_day >= spells.recounted_from
    ),

    {{ kind }}_counts as (
        {{ count_open_intervals(kind ~ '_followers', 'spine') }}
    ),
{% endfor %}

final as (
    select
        spine.platform,
        spine.account_id,
        spine.date_day,
        spine.day_number,
        active_counts.open_intervals as active_followers,
        fan_counts.open_intervals as true_fans,
        engaged_counts.open_intervals as engaged_followers
    from spine
    inner join active_counts
        on
            spine.platform = active_counts.platform
            and spine.account_id = active_counts.account_id
            and spine.day_number = active_counts.day_number
    inner join fan_counts
        on
            spine.platform = fan_counts.platform
            and spine.account_id = fan_counts.account_id
            and spine.day_number = fan_counts.day_number
    inner join engaged_counts
        on
            spine.platform = engaged_counts.platform
            and spine.account_id = engaged_counts.account_id
            and spine.day_number = engaged_counts.day_number
)

select * from final
