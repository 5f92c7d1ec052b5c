-- One row per (tracked account, follower) pair ever seen in the follow data: when the first
-- follow was seen, whether that was a real follow or only the first snapshot (baseline, time
-- unknown), when the last spell ended, how many spells there were, whether the tracked
-- account follows back, and the follower's first engagement with it.
with

spells as (
    select * from {{ ref('int_follower_spells') }}
),

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

tracked_spells as (
    select spells.*
    from spells
    inner join tracked
        on
            spells.platform = tracked.platform
            and spells.account_id = tracked.account_id
),

follows_back as (
    select distinct
        platform,
        account_id as follower_id,
        follower_id as account_id
    from spells
    where unfollowed_at is null
),

first_engagements as (
    select
        platform,
        account_id,
        engager_id,
        min(day_number) as first_engaged_day
    from {{ ref('int_engager_daily') }}
    group by platform, account_id, engager_id
),

pairs as (
    select
        platform,
        account_id,
        follower_id,
        min(followed_at) as first_followed_at,
        min(case when not is_baseline then followed_at end) as first_observed_follow_at,
        max(case when not is_baseline then followed_at end) as last_observed_follow_at,
        max(unfollowed_at) as last_unfollowed_at,
        max(case when unfollowed_at is null then 1 else 0 end) = 1 as is_current_follower,
        min(first_day) as first_day,
        count(*) as spell_count
    from tracked_spells
    group by platform, account_id, follower_id
),

final as (
    select
        pairs.platform,
        pairs.account_id,
        pairs.follower_id,
        pairs.first_followed_at,
        pairs.first_observed_follow_at,
        pairs.last_observed_follow_at,
        case when pairs.is_current_follower then null else pairs.last_unfollowed_at end
            as last_unfollowed_at,
        pairs.is_current_follower,
        pairs.first_day,
        pairs.spell_count,
        follows_back.follower_id is not null as is_followed_back,
        first_engagements.first_engaged_day
    from pairs
    left join follows_back
        on
            pairs.platform = follows_back.platform
            and pairs.account_id = follows_back.account_id
            and pairs.follower_id = follows_back.follower_id
    left join first_engagements
        on
            pairs.platform = first_engagements.platform
            and pairs.account_id = first_engagements.account_id
            and pairs.follower_id = first_engagements.engager_id
)

select * from final
