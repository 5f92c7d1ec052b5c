-- One row per detected burst of new followers (MARTS_CONTRACT.md), built in
-- int_follower_bursts.
with

bursts as (
    select * from {{ ref('int_follower_bursts') }}
),

final as (
    select
        platform,
        account_id,
        burst_start,
        burst_end,
        followers_gained,
        suspicious_share,
        is_purchase_suspected,
        excess_share,
        horizon_days,
        engaged_share,
        usual_engaged_share,
        purchase_evidence
    from bursts
)

select * from final
