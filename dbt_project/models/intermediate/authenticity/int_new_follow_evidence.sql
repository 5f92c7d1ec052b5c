-- What every new follow of a tracked account did afterwards, the evidence money cannot fake
-- (bought accounts never interact): one row per new (non-baseline) follow in the tracked
-- window, with the follower's profile suspicion, the first day on or after the follow on which
-- the follower conversed with the account (commented, replied or shared: likes are sold with
-- the followers, so they do not count), whether the account follows back, whether the follow
-- was undone, and the follower's creation day. int_follower_bursts judges cohorts by it.
with

spells as (
    select * from {{ ref('int_follower_spells') }}
),

spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

scores as (
    select * from {{ ref('int_follower_scores') }}
),

relationships as (
    select * from {{ ref('int_follower_relationships') }}
),

profiles as (
    select * from {{ ref('int_account_profiles') }}
),

conversation_days as (
    select
        platform,
        account_id,
        engager_id,
        day_number
    from {{ ref('int_engager_daily') }}
    where comments + shares > 0
),

new_follows as (
    select
        spells.platform,
        spells.account_id,
        spells.follower_id,
        spells.followed_at,
        spells.unfollowed_at,
        spells.first_day as day_number
    from spells
    inner join spine
        on
            spells.platform = spine.platform
            and spells.account_id = spine.account_id
            and spells.first_day = spine.day_number
    where not spells.is_baseline
),

first_conversations as (
    select
        new_follows.platform,
        new_follows.account_id,
        new_follows.follower_id,
        new_follows.followed_at,
        min(conversation_days.day_number) as first_conversed_day
    from new_follows
    inner join conversation_days
        on
            new_follows.platform = conversation_days.platform
            and new_follows.account_id = conversation_days.account_id
            and new_follows.follower_id = conversation_days.engager_id
            and new_follows.day_number <= conversation_days.day_number
    group by
        new_follows.platform, new_follows.account_id, new_follows.follower_id,
        new_follows.followed_at
),

final as (
    select
        new_follows.platform,
        new_follows.account_id,
        new_follows.follower_id,
        new_follows.followed_at,
        new_follows.day_number,
        coalesce(scores.is_profile_suspicious, false) as is_suspicious,
        first_conversations.first_conversed_day,
        coalesce(relationships.is_followed_back, false) as is_followed_back,
        new_follows.unfollowed_at is not null as is_unfollowed,
        {{ day_number('profiles.created_at') }} as created_day
    from new_follows
    left join scores
        on
            new_follows.platform = scores.platform
            and new_follows.account_id = scores.account_id
            and new_follows.follower_id = scores.follower_id
    left join first_conversations
        on
            new_follows.platform = first_conversations.platform
            and new_follows.account_id = first_conversations.account_id
            and new_follows.follower_id = first_conversations.follower_id
            and new_follows.followed_at = first_conversations.followed_at
    left join relationships
        on
            new_follows.platform = relationships.platform
            and new_follows.account_id = relationships.account_id
            and new_follows.follower_id = relationships.follower_id
    left join profiles
        on
            new_follows.platform = profiles.platform
            and new_follows.follower_id = profiles.account_id
)

select * from final
