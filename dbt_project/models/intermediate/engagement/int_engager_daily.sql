-- One row per tracked account, engager and day with any interaction on the account's posts.
-- Tie strength (Granovetter; as used by Bakshy et al. 2012) is read from interaction
-- frequency: on each day, an engager is a strong tie when they engaged on at least
-- var('strong_tie_min_days') distinct days within the trailing var('tie_window_days') days
-- (that day included), a weak tie otherwise.
with

interactions as (
    select * from {{ ref('int_post_interactions') }}
),

daily as (
    select
        platform,
        account_id,
        engager_id,
        day_number,
        count(*) as interactions,
        sum(case when is_engagement then 1 else 0 end) as engagements,
        sum(case when engagement_family = 'applause' then 1 else 0 end) as likes,
        sum(case when engagement_family = 'conversation' then 1 else 0 end) as comments,
        sum(case when engagement_family = 'amplification' then 1 else 0 end) as shares
    from interactions
    group by platform, account_id, engager_id, day_number
),

with_ties as (
    select
        *,
        sum(case when engagements > 0 then 1 else 0 end) over (
            partition by platform, account_id, engager_id
            order by day_number
            range between {{ var('tie_window_days') - 1 }} preceding and current row
        ) as engaged_days_in_tie_window
    from daily
),

final as (
    select
        *,
        engaged_days_in_tie_window >= {{ var('strong_tie_min_days') }} as is_strong_tie
    from with_ties
)

select * from final
