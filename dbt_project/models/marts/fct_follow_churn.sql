-- One row per follow that was undone: who followed whom, when, for how long, and whether the
-- followed account followed back in the meantime (follow-for-follow tools unfollow accounts
-- that did not). For snapshot-only accounts both times are snapshot times, so durations are
-- known to the day, not the hour.
with

state_changes as (
    select * from {{ ref('int_follow_state_changes') }}
),

spells as (
    select
        platform,
        follower_id,
        followee_id,
        event_at as followed_at,
        next_change_at as unfollowed_at,
        follow_source
    from (
        select
            *,
            lead(event_at) over (
                partition by platform, follower_id, followee_id
                order by event_at
            ) as next_change_at
        from state_changes
    ) as ordered
    where action = 'follow'
),

undone as (
    select * from spells
    where unfollowed_at is not null
),

followed_back as (
    select distinct
        undone.platform,
        undone.follower_id,
        undone.followee_id,
        undone.followed_at
    from undone
    inner join spells as reverse_spells
        on
            undone.platform = reverse_spells.platform
            and undone.follower_id = reverse_spells.followee_id
            and undone.followee_id = reverse_spells.follower_id
            and undone.unfollowed_at > reverse_spells.followed_at
            and (reverse_spells.unfollowed_at is null or undone.followed_at < reverse_spells.unfollowed_at)
),

final as (
    select
        undone.platform,
        undone.follower_id,
        undone.followee_id,
        undone.followed_at,
        undone.unfollowed_at,
        {{ dbt.datediff('undone.followed_at', 'undone.unfollowed_at', 'second') }}
        / 3600.0 as hours_followed,
        followed_back.follower_id is not null as was_followed_back,
        undone.follow_source
    from undone
    left join followed_back
        on
            undone.platform = followed_back.platform
            and undone.follower_id = followed_back.follower_id
            and undone.followee_id = followed_back.followee_id
            and undone.followed_at = followed_back.followed_at
)

select * from final
