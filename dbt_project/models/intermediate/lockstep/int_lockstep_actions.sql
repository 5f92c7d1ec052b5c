-- Actions that happened in a dense moment: the number of accounts acting on the same target
-- within +/- var('lockstep_window_seconds') seconds exceeds the target's median moment by at
-- least var('lockstep_min_excess') (CopyCatch, Beutel et al. 2013; SynchroTrap, Cao et al.
-- 2014): a farm's likes arrive together, organic likes spread over hours. Targets are posts
-- (likes) and accounts (observed follows).
-- Bucketing by target and time first keeps the pair search of int_lockstep_links small;
-- moments above var('lockstep_max_actors') are crowds (a viral post), not a group, and skipped.
with

likes as (
    select
        platform,
        'like' as action_kind,
        post_id as target_id,
        actor_id,
        min(created_at) as acted_at
    from {{ ref('stg_interactions') }}
    where interaction_kind = 'like'
    group by platform, post_id, actor_id
),

follows as (
    select
        platform,
        'follow' as action_kind,
        followee_id as target_id,
        follower_id as actor_id,
        min(event_at) as acted_at
    from {{ ref('int_follow_state_changes') }}
    where action = 'follow' and not is_baseline
    group by platform, followee_id, follower_id
),

actions as (
    select
        *,
        {{ epoch_seconds('acted_at') }} as acted_epoch
    from likes
    union all
    select
        *,
        {{ epoch_seconds('acted_at') }} as acted_epoch
    from follows
),

densities as (
    select
        *,
        count(*) over (
            partition by platform, action_kind, target_id
            order by acted_epoch
            range between {{ var('lockstep_window_seconds') }} preceding
            and {{ var('lockstep_window_seconds') }} following
        ) as actors_nearby,
        count(*) over (partition by platform, action_kind, actor_id) as actor_targets
    from actions
),

excesses as (
    select
        *,
        actors_nearby
        - {{ partition_median('actors_nearby', 'platform, action_kind, target_id') }}
            as excess_actors
    from densities
),

dense_actions as (
    select *
    from excesses
    where
        excess_actors >= {{ var('lockstep_min_excess') }}
        and actors_nearby <= {{ var('lockstep_max_actors') }}
),

final as (
    select
        platform,
        action_kind,
        target_id,
        actor_id,
        acted_at,
        acted_epoch,
        actors_nearby,
        actor_targets,
        count(*) over (partition by platform, action_kind, actor_id) as dense_targets
    from dense_actions
)

select * from final
