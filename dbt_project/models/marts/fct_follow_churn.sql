-- One row per follow that was undone (MARTS_CONTRACT.md); built in int_undone_follows, which the
-- authenticity models read too. Like every mart it holds the tracked accounts in force only:
-- the undone follows of their audience (followee_id in force) and their own undone follows
-- (follower_id in force). The history of a dropped account stays in staging and intermediate.
with

churn as (
    select * from {{ ref('int_undone_follows') }}
),

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

in_force as (
    select churn.*
    from churn
    left join tracked as tracked_followee
        on
            churn.platform = tracked_followee.platform
            and churn.followee_id = tracked_followee.account_id
    left join tracked as tracked_follower
        on
            churn.platform = tracked_follower.platform
            and churn.follower_id = tracked_follower.account_id
    where tracked_followee.account_id is not null or tracked_follower.account_id is not null
),

final as (
    select
        platform,
        follower_id,
        followee_id,
        followed_at,
        unfollowed_at,
        hours_followed,
        was_followed_back,
        follow_source
    from in_force
)

select * from final
