-- One row per follow that was undone (marts.fct_follow_churn publishes it): who followed
-- whom, when, for how long, and whether the followed account followed back in the meantime
-- (follow-for-follow tools unfollow accounts that did not). For snapshot-only accounts both
-- times are snapshot times, so durations are known to the day, not the hour.
with

spells as (
    select * from {{ ref('int_follower_spells') }}
),

undone as (
    select * from spells
    where unfollowed_at is not null
),

followed_back as (
    select distinct
        undone.platform,
        undone.follower_id,
        undone.account_id,
        undone.followed_at
    from undone
    inner join spells as reverse_spells
        on
            undone.platform = reverse_spells.platform
            and undone.follower_id = reverse_spells.account_id
            and undone.account_id = reverse_spells.follower_id
            and undone.unfollowed_at > reverse_spells.followed_at
            and (reverse_spells.unfollowed_at is null or undone.followed_at < reverse_spells.unfollowed_at)
),

final as (
    select
        undone.platform,
        undone.follower_id,
        undone.account_id as followee_id,
        undone.followed_at,
        undone.unfollowed_at,
        {{ dbt.datediff('undone.followed_at', 'undone.unfollowed_at', 'second') }}
        / 3600.0 as hours_followed,
        followed_back.follower_id is not null as was_followed_back,
        undone.follow_source,
        undone.is_baseline
    from undone
    left join followed_back
        on
            undone.platform = followed_back.platform
            and undone.follower_id = followed_back.follower_id
            and undone.account_id = followed_back.account_id
            and undone.followed_at = followed_back.followed_at
)

select * from final
