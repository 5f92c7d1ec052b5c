-- The latest observation of every profile: the state an audit judges. A column that was never
-- observed stays null (unknown), it is never filled in.
with

observations as (
    select * from {{ ref('stg_accounts') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform, account_id
            order by observed_at desc
        ) as observation_rank
    from observations
),

final as (
    select
        platform,
        account_id,
        observed_at,
        handle,
        bio,
        lang,
        created_at,
        followers_count,
        following_count,
        posts_count,
        listed_count,
        has_default_avatar,
        verified
    from ranked
    where observation_rank = 1
)

select * from final
