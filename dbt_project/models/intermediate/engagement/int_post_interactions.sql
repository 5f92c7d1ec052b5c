-- Interactions of other accounts on tracked accounts' posts (the author's own replies under its
-- post are dialog, not audience engagement), classified by Kaushik's families:
-- applause = like; conversation = comment, reply; amplification = share, repost, quote.
-- An engagement is any of those or a save; clicks and mentions are interactions, not engagements.
with

interactions as (
    select * from {{ ref('stg_interactions') }}
),

posts as (
    select
        platform,
        post_id,
        account_id
    from {{ ref('int_tracked_posts') }}
),

classified as (
    select
        interactions.platform,
        interactions.interaction_id,
        interactions.post_id,
        posts.account_id,
        interactions.actor_id as engager_id,
        interactions.interaction_kind,
        interactions.created_at,
        {{ day_number('interactions.created_at') }} as day_number,
        case
            when interactions.interaction_kind = 'like' then 'applause'
            when interactions.interaction_kind in ('comment', 'reply') then 'conversation'
            when interactions.interaction_kind in ('share', 'repost', 'quote') then 'amplification'
            when interactions.interaction_kind = 'save' then 'save'
            else 'other'
        end as engagement_family
    from interactions
    inner join posts
        on
            interactions.platform = posts.platform
            and interactions.post_id = posts.post_id
    where interactions.actor_id != posts.account_id
),

final as (
    select
        *,
        engagement_family != 'other' as is_engagement
    from classified
)

select * from final
