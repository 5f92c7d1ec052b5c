-- Bursts of new followers: days on which an account gained far more followers, or far more
-- suspicious followers, than its own robust baseline (median and MAD of the daily counts over
-- +/- var('burst_window_days') days; the second series finds purchases delivered slowly, a few
-- dozen a day, that do not stand out among all new follows),
-- cut into bursts at gaps of more than var('burst_gap_hours') between the suspicious new
-- follows of those days (all new follows when none is suspicious); a stray piece with fewer than
-- var('burst_min_followers') follows is not a burst. A burst is a suspected
-- purchase when most followers gained in it are suspicious.
with

spells as (
    select * from {{ ref('int_follower_spells') }}
),

scores as (
    select * from {{ ref('int_follower_scores') }}
),

spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

new_follows as (
    select
        spells.platform,
        spells.account_id,
        spells.follower_id,
        spells.followed_at,
        spells.first_day as day_number,
        coalesce(scores.is_profile_suspicious, false) as is_suspicious
    from spells
    inner join spine
        on
            spells.platform = spine.platform
            and spells.account_id = spine.account_id
            and spells.first_day = spine.day_number
    left join scores
        on
            spells.platform = scores.platform
            and spells.account_id = scores.account_id
            and spells.follower_id = scores.follower_id
    where not spells.is_baseline
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

burst_days as (
    select * from baselines
    where
        (
            new_follows - median_follows >= {{ var('burst_min_followers') }}
            and new_follows - median_follows >= {{ var('burst_mad_factor') }} * 1.4826 * mad_follows
        )
        or (
            suspicious_follows - median_suspicious >= {{ var('burst_min_followers') }}
            and suspicious_follows - median_suspicious
            >= {{ var('burst_mad_factor') }} * 1.4826 * mad_suspicious
        )
),

burst_follows as (
    select new_follows.*
    from new_follows
    inner join burst_days
        on
            new_follows.platform = burst_days.platform
            and new_follows.account_id = burst_days.account_id
            and new_follows.day_number = burst_days.day_number
    where new_follows.is_suspicious or burst_days.suspicious_follows = 0
),

gaps as (
    select
        *,
        case
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

gained as (
    select
        spans.platform,
        spans.account_id,
        spans.burst_start,
        spans.burst_end,
        count(*) as followers_gained,
        sum(case when new_follows.is_suspicious then 1 else 0 end) * 1.0 / count(*) as suspicious_share
    from spans
    inner join new_follows
        on
            spans.platform = new_follows.platform
            and spans.account_id = new_follows.account_id
            and new_follows.followed_at between spans.burst_start and spans.burst_end
    group by spans.platform, spans.account_id, spans.burst_start, spans.burst_end
),

final as (
    select
        platform,
        account_id,
        burst_start,
        burst_end,
        followers_gained,
        suspicious_share,
        suspicious_share >= {{ var('burst_suspicious_share') }} as is_purchase_suspected
    from gained
)

select * from final
