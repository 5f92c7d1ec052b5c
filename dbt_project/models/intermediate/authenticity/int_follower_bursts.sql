-- Bursts of new followers: days on which an account gained far more followers, or far more
-- suspicious followers, than its own robust baseline (median and MAD of the daily counts over
-- +/- var('burst_window_days') days; the second series finds purchases delivered slowly, a few
-- dozen a day, that do not stand out among all new follows),
-- cut into bursts at gaps of more than var('burst_gap_hours') between the new follows of those
-- days (only the suspicious ones on a day the suspicious series flags); a stray piece with fewer
-- than var('burst_min_followers') follows is not a burst.
-- A burst is a suspected purchase on either of two kinds of evidence:
--   profiles: most followers gained in it are profile-suspicious;
--   cohort (what money cannot fake: bought accounts never interact): most of it is above the
--   account's baseline, and the share of the cohort that engaged (conversed with the account
--   within the same number of days of following, or was followed back) is a small fraction of
--   that share among the account's other new followers, measured over the same horizon (so a
--   burst of yesterday is compared with what other followers did on their first day).
with

new_follows as (
    select * from {{ ref('int_new_follow_evidence') }}
),


spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

daily as (
    select
        spine.platform,
        spine.account_id,
        spine.day_number,
        count(new_follows.follower_id) as new_follows,
        sum(case when new_follows.is_suspicious then 1 else 0 end) as suspicious_follows
    from spine
    left join new_follows
        on
            spine.platform = new_follows.platform
            and spine.account_id = new_follows.account_id
            and spine.day_number = new_follows.day_number
    group by spine.platform, spine.account_id, spine.day_number
),

baselines as (
    select
        *,
        {{ rolling_median('new_follows', 'platform, account_id', 'day_number',
            var('burst_window_days'), var('burst_window_days')) }} as median_follows,
        {{ rolling_mad('new_follows', 'platform, account_id', 'day_number',
            var('burst_window_days'), var('burst_window_days')) }} as mad_follows,
        {{ rolling_median('suspicious_follows', 'platform, account_id', 'day_number',
            var('burst_window_days'), var('burst_window_days')) }} as median_suspicious,
        {{ rolling_mad('suspicious_follows', 'platform, account_id', 'day_number',
            var('burst_window_days'), var('burst_window_days')) }} as mad_suspicious
    from daily
),

flagged_days as (
    select
        *,
        (
            new_follows - median_follows >= {{ var('burst_min_followers') }}
            and new_follows - median_follows >= {{ var('burst_mad_factor') }} * 1.4826 * mad_follows
        ) as is_volume_burst,
        (
            suspicious_follows - median_suspicious >= {{ var('burst_min_followers') }}
            and suspicious_follows - median_suspicious
            >= {{ var('burst_mad_factor') }} * 1.4826 * mad_suspicious
        ) as is_suspicious_burst,
        -- a weaker excess extends a burst over the neighbouring days (a slow drip's)
        (
            new_follows - median_follows >= {{ var('burst_min_followers') }}
            and new_follows - median_follows
            >= {{ var('burst_extend_mad_factor') }} * 1.4826 * mad_follows
        ) as is_elevated
    from baselines
),

elevated_days as (
    select
        *,
        day_number - row_number() over (
            partition by platform, account_id order by day_number
        ) as run_id
    from flagged_days
    where is_volume_burst or is_suspicious_burst or is_elevated
),

runs as (
    select
        *,
        max(case when is_volume_burst or is_suspicious_burst then 1 else 0 end) over (
            partition by platform, account_id, run_id
        ) = 1 as has_burst_day,
        lag(new_follows) over (partition by platform, account_id, run_id order by day_number)
            as previous_follows,
        lead(new_follows) over (partition by platform, account_id, run_id order by day_number)
            as next_follows
    from elevated_days
),

-- a purchase delivered during another (a burst in a drip) is a peak day: a new burst starts on
-- it and on the day after
peaks as (
    select
        *,
        coalesce(
            new_follows >= {{ var('burst_level_change') }} * previous_follows
            and new_follows >= {{ var('burst_level_change') }} * next_follows,
            false
        ) as is_peak
    from runs
    where has_burst_day
),

burst_days as (
    select
        *,
        is_peak or coalesce(
            lag(is_peak) over (partition by platform, account_id, run_id order by day_number),
            false
        ) as is_level_change
    from peaks
),

burst_follows as (
    select
        new_follows.*,
        burst_days.is_level_change
        and row_number() over (
            partition by new_follows.platform, new_follows.account_id, new_follows.day_number
            order by new_follows.followed_at, new_follows.follower_id
        ) = 1 as starts_level
    from new_follows
    inner join burst_days
        on
            new_follows.platform = burst_days.platform
            and new_follows.account_id = burst_days.account_id
            and new_follows.day_number = burst_days.day_number
    where new_follows.is_suspicious or not burst_days.is_suspicious_burst
),

gaps as (
    select
        *,
        case
            when starts_level then 1
            when
                {{ dbt.datediff(
                    'lag(followed_at) over (partition by platform, account_id order by followed_at, follower_id)',
                    'followed_at', 'second') }} <= {{ var('burst_gap_hours') * 3600 }}
                then 0
            else 1
        end as starts_burst
    from burst_follows
),

numbered as (
    select
        *,
        sum(starts_burst) over (
            partition by platform, account_id
            order by followed_at, follower_id
            rows between unbounded preceding and current row
        ) as burst_number
    from gaps
),

spans as (
    select
        platform,
        account_id,
        burst_number,
        min(followed_at) as burst_start,
        max(followed_at) as burst_end
    from numbered
    group by platform, account_id, burst_number
    having count(*) >= {{ var('burst_min_followers') }}
),

last_days as (
    select
        platform,
        account_id,
        max(day_number) as last_day
    from spine
    group by platform, account_id
),

-- how long each burst's cohort has been watched: the engagement of every cohort and of its
-- baseline is counted over the same number of days after the follow
horizons as (
    select
        spans.platform,
        spans.account_id,
        spans.burst_start,
        spans.burst_end,
        {{ day_number('spans.burst_start') }} as start_day,
        {{ day_number('spans.burst_end') }} as end_day,
        last_days.last_day,
        least(
            {{ var('purchase_engagement_days') }},
            last_days.last_day - {{ day_number('spans.burst_end') }}
        ) as horizon_days
    from spans
    inner join last_days
        on
            spans.platform = last_days.platform
            and spans.account_id = last_days.account_id
),

cohorts as (
    select
        horizons.platform,
        horizons.account_id,
        horizons.burst_start,
        horizons.burst_end,
        count(*) as followers_gained,
        sum(case when new_follows.is_suspicious then 1 else 0 end) * 1.0 / count(*)
            as suspicious_share,
        sum(case
            when new_follows.first_conversed_day <= new_follows.day_number + horizons.horizon_days
                then 1
            else 0
        end) * 1.0 / count(*) as conversing_share,
        sum(case when new_follows.is_followed_back then 1 else 0 end) * 1.0 / count(*)
            as followed_back_share,
        sum(case
            when
                new_follows.is_followed_back
                or new_follows.first_conversed_day
                <= new_follows.day_number + horizons.horizon_days
                then 1
            else 0
        end) * 1.0 / count(*) as engaged_share,
        sum(case when new_follows.is_unfollowed then 1 else 0 end) * 1.0 / count(*)
            as churned_share,
        {{ exact_stddev_samp('new_follows.created_day') }} as created_day_spread
    from horizons
    inner join new_follows
        on
            horizons.platform = new_follows.platform
            and horizons.account_id = new_follows.account_id
            and new_follows.followed_at between horizons.burst_start and horizons.burst_end
    group by horizons.platform, horizons.account_id, horizons.burst_start, horizons.burst_end
),

-- the follows the account gains anyway: the medians of the days the burst touches
expected as (
    select
        horizons.platform,
        horizons.account_id,
        horizons.burst_start,
        sum(baselines.median_follows) as expected_follows
    from horizons
    inner join baselines
        on
            horizons.platform = baselines.platform
            and horizons.account_id = baselines.account_id
            and baselines.day_number between horizons.start_day and horizons.end_day
    group by horizons.platform, horizons.account_id, horizons.burst_start
),

-- the account's other new followers, watched for the burst's horizon
outside_bursts as (
    select new_follows.*
    from new_follows
    left join spans
        on
            new_follows.platform = spans.platform
            and new_follows.account_id = spans.account_id
            and new_follows.followed_at between spans.burst_start and spans.burst_end
    where spans.account_id is null
),

usual as (
    select
        horizons.platform,
        horizons.account_id,
        horizons.burst_start,
        count(*) as usual_follows,
        sum(case
            when
                outside_bursts.is_followed_back
                or outside_bursts.first_conversed_day
                <= outside_bursts.day_number + horizons.horizon_days
                then 1
            else 0
        end) as usual_engaged
    from horizons
    inner join outside_bursts
        on
            horizons.platform = outside_bursts.platform
            and horizons.account_id = outside_bursts.account_id
            and outside_bursts.day_number <= horizons.last_day - horizons.horizon_days
    group by horizons.platform, horizons.account_id, horizons.burst_start
),

judged as (
    select
        cohorts.*,
        horizons.horizon_days,
        greatest(
            1 - coalesce(expected.expected_follows, 0) * 1.0 / cohorts.followers_gained, 0
        ) as excess_share,
        usual.usual_engaged * 1.0 / nullif(usual.usual_follows, 0) as usual_engaged_share,
        coalesce(usual.usual_engaged, 0) >= {{ var('purchase_min_usual_engaged') }}
            as has_engagement_baseline
    from cohorts
    inner join horizons
        on
            cohorts.platform = horizons.platform
            and cohorts.account_id = horizons.account_id
            and cohorts.burst_start = horizons.burst_start
    left join expected
        on
            cohorts.platform = expected.platform
            and cohorts.account_id = expected.account_id
            and cohorts.burst_start = expected.burst_start
    left join usual
        on
            cohorts.platform = usual.platform
            and cohorts.account_id = usual.account_id
            and cohorts.burst_start = usual.burst_start
),

evidence as (
    select
        *,
        suspicious_share >= {{ var('burst_suspicious_share') }} as is_profile_evidence,
        has_engagement_baseline
        and excess_share >= {{ var('purchase_min_excess_share') }}
        and engaged_share <= {{ var('purchase_max_engaged_ratio') }} * usual_engaged_share
            as is_cohort_evidence
    from judged
),

final as (
    select
        platform,
        account_id,
        burst_start,
        burst_end,
        followers_gained,
        suspicious_share,
        is_profile_evidence or is_cohort_evidence as is_purchase_suspected,
        excess_share,
        horizon_days,
        conversing_share,
        followed_back_share,
        engaged_share,
        usual_engaged_share,
        churned_share,
        created_day_spread,
        is_profile_evidence,
        is_cohort_evidence,
        concat_ws(
            '; ',
            case
                when is_profile_evidence then
                    cast(round(100 * suspicious_share) as {{ dbt.type_int() }}) || '% of '
                    || cast(followers_gained as {{ dbt.type_string() }}) || ' followers look suspicious'
            end,
            case
                when is_cohort_evidence then
                    cast(round(100 * engaged_share) as {{ dbt.type_int() }}) || '% of '
                    || cast(followers_gained as {{ dbt.type_string() }})
                    || ' followers conversed or were followed back within '
                    || cast(horizon_days as {{ dbt.type_string() }}) || ' days, against '
                    || cast(round(100 * usual_engaged_share) as {{ dbt.type_int() }})
                    || '% of the account''s other new followers'
            end
        ) as purchase_evidence
    from evidence
)

select * from final
