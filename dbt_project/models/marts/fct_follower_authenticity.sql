-- One row per (tracked account, follower) relationship ever seen (MARTS_CONTRACT.md): the
-- audit's verdict, built in int_follower_verdicts, and the follower's handle from their latest
-- profile (int_account_profiles) so that a reader sees who, not only an id. A follower with no
-- known profile whom no behaviour convicts is unknown: audience_class and authenticity_score null.
with

verdicts as (
    select * from {{ ref('int_follower_verdicts') }}
),

profiles as (
    select * from {{ ref('int_account_profiles') }}
),

final as (
    select
        verdicts.platform,
        verdicts.account_id,
        verdicts.follower_id,
        profiles.handle as follower_handle,
        verdicts.first_followed_at,
        verdicts.last_unfollowed_at,
        verdicts.is_current_follower,
        verdicts.authenticity_score,
        verdicts.is_suspicious,
        verdicts.audience_class,
        verdicts.is_bought,
        verdicts.is_follow_churner,
        verdicts.is_lockstep,
        verdicts.is_ghost,
        verdicts.is_off_market,
        verdicts.is_profile_known,
        verdicts.reasons,
        verdicts.profile_score,
        verdicts.spell_count,
        verdicts.is_followed_back
    from verdicts
    left join profiles
        on
            verdicts.platform = profiles.platform
            and verdicts.follower_id = profiles.account_id
)

select * from final
