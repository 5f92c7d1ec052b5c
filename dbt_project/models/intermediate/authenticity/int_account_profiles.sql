-- The latest observation of every profile: the state an audit judges. A column that was never
-- observed stays null (unknown), it is never filled in. `is_profile_known`: at least one of the
-- profile features the authenticity model judges was observed (a handle or a language alone is
-- no profile: an export listing followers by name says nothing about who they are).
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
        verified,
        (
            created_at is not null
            or followers_count is not null
            or following_count is not null
            or posts_count is not null
            or listed_count is not null
            or has_default_avatar is not null
            or bio is not null
            or verified is not null
        ) as is_profile_known
    from ranked
    where observation_rank = 1
)

select * from final
