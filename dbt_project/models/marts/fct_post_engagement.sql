-- One row per post of a tracked account: what the audience did with it, and how much of that
-- came from accounts not flagged suspicious.
with

posts as (
    select * from {{ ref('int_tracked_posts') }}
),

interactions as (
    select * from {{ ref('int_post_interactions') }}
),

suspicious as (
    select distinct
        platform,
        account_id
    from {{ ref('int_suspicious_accounts') }}
),

like_farm_posts as (
    select distinct
        platform,
        post_id
    from {{ ref('int_like_farm_posts') }}
),

flagged as (
    select
        interactions.*,
        suspicious.account_id is not null as is_suspicious_engager
    from interactions
    left join suspicious
        on
            interactions.platform = suspicious.platform
            and interactions.engager_id = suspicious.account_id
),

per_post as (
    select
        platform,
        post_id,
        sum(case when engagement_family = 'applause' then 1 else 0 end) as likes,
        sum(case when engagement_family = 'conversation' then 1 else 0 end) as comments,
        sum(case when engagement_family = 'amplification' then 1 else 0 end) as shares,
        sum(case when engagement_family = 'save' then 1 else 0 end) as saves,
        sum(case when is_engagement then 1 else 0 end) as engagements,
        sum(case when is_engagement and not is_suspicious_engager then 1 else 0 end) as authentic_engagements,
        count(distinct case when is_engagement then engager_id end) as unique_engagers,
        count(distinct case when is_engagement and is_suspicious_engager then engager_id end)
            as suspicious_engagers
    from flagged
    group by platform, post_id
),

counted as (
    select
        posts.platform,
        posts.post_id,
        posts.account_id,
        posts.created_at,
        posts.kind,
        posts.followers_at_post,
        posts.reach,
        posts.impressions,
        cast(coalesce(per_post.likes, 0) as {{ dbt.type_bigint() }}) as likes,
        cast(coalesce(per_post.comments, 0) as {{ dbt.type_bigint() }}) as comments,
        cast(coalesce(per_post.shares, 0) as {{ dbt.type_bigint() }}) as shares,
        cast(coalesce(per_post.saves, 0) as {{ dbt.type_bigint() }}) as saves,
        cast(coalesce(per_post.engagements, 0) as {{ dbt.type_bigint() }}) as engagements,
        cast(coalesce(per_post.unique_engagers, 0) as {{ dbt.type_bigint() }}) as unique_engagers,
        cast(coalesce(per_post.authentic_engagements, 0) as {{ dbt.type_bigint() }}) as authentic_engagements,
        cast(coalesce(per_post.suspicious_engagers, 0) as {{ dbt.type_bigint() }}) as suspicious_engagers,
        like_farm_posts.post_id is not null as is_like_farm_target
    from posts
    left join per_post
        on
            posts.platform = per_post.platform
            and posts.post_id = per_post.post_id
    left join like_farm_posts
        on
            posts.platform = like_farm_posts.platform
            and posts.post_id = like_farm_posts.post_id
),

final as (
    select
        platform,
        post_id,
        account_id,
        created_at,
        kind,
        followers_at_post,
        reach,
        impressions,
        likes,
        comments,
        shares,
        saves,
        engagements,
        unique_engagers,
        engagements * 1.0 / nullif(followers_at_post, 0) as engagement_rate,
        engagements * 1.0 / nullif(reach, 0) as engagement_rate_by_reach,
        engagements * 1.0 / nullif(impressions, 0) as engagement_rate_by_impressions,
        comments * 1000.0 / nullif(followers_at_post, 0) as conversation_per_1k_followers,
        shares * 1000.0 / nullif(followers_at_post, 0) as amplification_per_1k_followers,
        likes * 1000.0 / nullif(followers_at_post, 0) as applause_per_1k_followers,
        authentic_engagements,
        authentic_engagements * 1.0 / nullif(followers_at_post, 0) as authentic_engagement_rate,
        suspicious_engagers * 1.0 / nullif(unique_engagers, 0) as suspicious_engager_share,
        is_like_farm_target
    from counted
)

select * from final
