-- One row per follow that was undone (MARTS_CONTRACT.md); built in int_undone_follows, which the
-- authenticity models read too.
with

churn as (
    select * from {{ ref('int_undone_follows') }}
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
    from churn
)

select * from final
