-- The profile verdict on every follower of a tracked account: a logistic score over the fired
-- signals with the learned weights of seed `authenticity_weights` (the platform's own weights,
-- or the `*` fallback). Two reason lists, strongest evidence first: the fired signals that
-- point to "inauthentic" and weigh for it, and those that point to "authentic" and weigh for
-- that; the verdict model quotes the list that matches its verdict.
with

relationships as (
    select * from {{ ref('int_follower_relationships') }}
),

signals as (
    select * from {{ ref('int_follower_signals') }}
),

-- Weights as exact decimals: a floating-point sum depends on the order the engine adds in, and
-- reruns must give bit-identical scores.
weights as (
    select
        platform,
        signal,
        cast(weight as {{ dbt.type_numeric() }}) as weight
    from {{ ref('authenticity_weights') }}
),

weighted_platforms as (
    select distinct platform from weights
),

scored_relationships as (
    select
        relationships.platform,
        relationships.account_id,
        relationships.follower_id,
        coalesce(weighted_platforms.platform, '*') as weight_platform
    from relationships
    left join weighted_platforms
        on relationships.platform = weighted_platforms.platform
),

weighted_signals as (
    select
        scored_relationships.platform,
        scored_relationships.account_id,
        scored_relationships.follower_id,
        signals.detail,
        signals.points_to,
        weights.weight
    from scored_relationships
    inner join signals
        on
            scored_relationships.platform = signals.platform
            and scored_relationships.account_id = signals.account_id
            and scored_relationships.follower_id = signals.follower_id
    inner join weights
        on
            scored_relationships.weight_platform = weights.platform
            and signals.signal = weights.signal
),

intercepts as (
    select
        platform as weight_platform,
        weight as intercept
    from weights
    where signal = '(intercept)'
),

logits as (
    select
        scored_relationships.platform,
        scored_relationships.account_id,
        scored_relationships.follower_id,
        coalesce(max(intercepts.intercept), 0)
        + coalesce(sum(weighted_signals.weight), 0) as inauthentic_logit
    from scored_relationships
    left join intercepts
        on scored_relationships.weight_platform = intercepts.weight_platform
    left join weighted_signals
        on
            scored_relationships.platform = weighted_signals.platform
            and scored_relationships.account_id = weighted_signals.account_id
            and scored_relationships.follower_id = weighted_signals.follower_id
    group by
        scored_relationships.platform,
        scored_relationships.account_id,
        scored_relationships.follower_id
),

scored as (
    select
        *,
        1.0 / (1.0 + exp(-inauthentic_logit)) as inauthentic_probability
    from logits
),

evidence as (
    select
        platform,
        account_id,
        follower_id,
        detail,
        points_to,
        case when points_to = 'inauthentic' then weight else -weight end as strength
    from weighted_signals
),

reasons as (
    select
        platform,
        account_id,
        follower_id,
        {{ dbt.listagg(
            "case when points_to = 'inauthentic' then detail end", "'; '",
            'order by strength desc, detail') }} as inauthentic_reasons,
        {{ dbt.listagg(
            "case when points_to = 'authentic' then detail end", "'; '",
            'order by strength desc, detail') }} as authentic_reasons
    from evidence
    where strength >= 0.5
    group by platform, account_id, follower_id
),

final as (
    select
        scored.platform,
        scored.account_id,
        scored.follower_id,
        scored.inauthentic_logit,
        1.0 - scored.inauthentic_probability as profile_score,
        scored.inauthentic_probability >= {{ var('suspicious_threshold') }} as is_profile_suspicious,
        reasons.inauthentic_reasons,
        reasons.authentic_reasons
    from scored
    left join reasons
        on
            scored.platform = reasons.platform
            and scored.account_id = reasons.account_id
            and scored.follower_id = reasons.follower_id
)

select * from final
