-- End-of-day followers and gross follows/unfollows per tracked account and calendar day, from
-- the first to the last dump date. followers(D) = opening followers + all state changes up to
-- the end of D; a day without events carries the previous day's count forward.
with

spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

bounds as (
    select min(date_day) as first_day from spine
),

state_changes as (
    select * from {{ ref('int_follow_state_changes') }}
),

daily_changes as (
    select
        platform,
        followee_id as account_id,
        cast(event_at as date) as date_day,
        sum(case when action = 'follow' and not is_baseline then 1 else 0 end) as follows_gross,
        sum(case when action = 'unfollow' then 1 else 0 end) as unfollows_gross,
        sum(follower_delta) as net_change,
        max(case when is_baseline then 1 else 0 end) = 1 as is_baseline_day
    from state_changes
    group by platform, followee_id, cast(event_at as date)
),

opening as (
    select
        daily_changes.platform,
        daily_changes.account_id,
        sum(daily_changes.net_change) as opening_followers
    from daily_changes
    cross join bounds
    where daily_changes.date_day < bounds.first_day
    group by daily_changes.platform, daily_changes.account_id
),

daily as (
    select
        spine.platform,
        spine.account_id,
        spine.date_day,
        coalesce(daily_changes.is_baseline_day, false) as is_baseline_day,
        coalesce(daily_changes.follows_gross, 0) as follows_gross,
        coalesce(daily_changes.unfollows_gross, 0) as unfollows_gross,
        coalesce(opening.opening_followers, 0) + sum(coalesce(daily_changes.net_change, 0)) over (
            partition by spine.platform, spine.account_id
            order by spine.date_day
            rows between unbounded preceding and current row
        ) as followers
    from spine
    left join daily_changes
        on
            spine.platform = daily_changes.platform
            and spine.account_id = daily_changes.account_id
            and spine.date_day = daily_changes.date_day
    left join opening
        on
            spine.platform = opening.platform
            and spine.account_id = opening.account_id
),

final as (
    select
        platform,
        account_id,
        date_day as date,
        cast(followers as {{ dbt.type_bigint() }}) as followers,
        cast(case when not is_baseline_day then follows_gross end as {{ dbt.type_bigint() }}) as follows_gross,
        cast(case when not is_baseline_day then unfollows_gross end as {{ dbt.type_bigint() }}) as unfollows_gross,
        cast(case when not is_baseline_day then follows_gross - unfollows_gross end as {{ dbt.type_bigint() }})
            as net_follower_change,
        is_baseline_day
    from daily
)

select * from final
