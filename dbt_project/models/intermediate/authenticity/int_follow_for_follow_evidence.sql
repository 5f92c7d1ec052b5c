-- Follow-for-follow evidence per (tracked account, follower). Tools follow many accounts and
-- unfollow within 1-21 days those that did not follow back, and come back for more cycles.
--   * churn pattern: a follow undone within var('churn_max_days') without a follow-back, by an
--     account that mass-follows (following > var('mass_following_min'), or unknown), cycles,
--     or did the same to another tracked account of the platform; a single quick unfollow by
--     an ordinary account is just an unfollow;
--   * pending churn: a current, not followed-back follower that mass-follows and followed
--     within the last var('churn_max_days') days of the data: the pattern in progress.
-- Only follows whose time was observed count: a baseline snapshot follow has no known start.
with

churn as (
    select * from {{ ref('int_undone_follows') }}
),

relationships as (
    select * from {{ ref('int_follower_relationships') }}
),

profiles as (
    select
        platform,
        account_id,
        following_count
    from {{ ref('int_account_profiles') }}
),

data_end as (
    select max(followed_at) as last_follow_at from {{ ref('int_follower_spells') }}
),

quick_unfollows as (
    select
        platform,
        follower_id,
        followee_id as account_id,
        hours_followed
    from churn
    where
        not is_baseline
        and not was_followed_back
        and hours_followed <= {{ var('churn_max_days') * 24 }}
),

per_pair as (
    select
        platform,
        account_id,
        follower_id,
        count(*) as quick_unfollows,
        min(hours_followed) as shortest_hours
    from quick_unfollows
    group by platform, account_id, follower_id
),

per_follower as (
    select
        platform,
        follower_id,
        count(distinct account_id) as accounts_churned
    from quick_unfollows
    group by platform, follower_id
),

evidence as (
    select
        relationships.platform,
        relationships.account_id,
        relationships.follower_id,
        coalesce(per_pair.quick_unfollows, 0) as quick_unfollows,
        per_pair.shortest_hours,
        coalesce(per_follower.accounts_churned, 0)
        - case when per_pair.quick_unfollows > 0 then 1 else 0 end as other_accounts_churned,
        relationships.spell_count as follow_cycles,
        relationships.is_followed_back,
        relationships.is_current_follower,
        relationships.last_observed_follow_at,
        profiles.following_count,
        coalesce(profiles.following_count > {{ var('mass_following_min') }}, false)
            as is_mass_following
    from relationships
    left join per_pair
        on
            relationships.platform = per_pair.platform
            and relationships.account_id = per_pair.account_id
            and relationships.follower_id = per_pair.follower_id
    left join per_follower
        on
            relationships.platform = per_follower.platform
            and relationships.follower_id = per_follower.follower_id
    left join profiles
        on
            relationships.platform = profiles.platform
            and relationships.follower_id = profiles.account_id
),

final as (
    select
        evidence.*,
        evidence.quick_unfollows > 0
        and (
            evidence.following_count is null
            or evidence.is_mass_following
            or evidence.follow_cycles > 1
            or evidence.other_accounts_churned > 0
        ) as is_churn_pattern,
        coalesce(
            evidence.is_current_follower
            and not evidence.is_followed_back
            and evidence.is_mass_following
            and evidence.last_observed_follow_at > {{ dbt.dateadd(
                'day', -var('churn_max_days'), 'data_end.last_follow_at') }},
            false
        ) as is_pending_churn
    from evidence
    cross join data_end
)

select * from final
