-- One row per (tracked account, follower) relationship ever seen (MARTS_CONTRACT.md): the
-- audit's verdict, built in int_follower_verdicts.
with

verdicts as (
    select * from {{ ref('int_follower_verdicts') }}
),

final as (
    select
        platform,
        account_id,
        follower_id,
        first_followed_at,
        last_unfollowed_at,
        is_current_follower,
        authenticity_score,
        is_suspicious,
        audience_class,
        is_bought,
        is_follow_churner,
        is_lockstep,
        is_ghost,
        is_off_market,
        reasons,
        profile_score,
        spell_count,
        is_followed_back
    from verdicts
)

select * from final
