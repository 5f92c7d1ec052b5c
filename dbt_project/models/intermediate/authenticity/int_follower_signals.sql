-- Every piece of evidence about every follower of a tracked account, one row per signal that
-- fired, with the words a person reads in `reasons`. Each profile field is cut into bins that
-- all carry a learned weight (seed `authenticity_weights`), so a known "normal" value is
-- evidence too; an unknown field fires no bin at all and so weighs nothing either way.
-- Signals: the profile features of Cresci et al. 2015 (followers, posts, following/followers,
-- listed, avatar, bio) plus handle digits, account age at the first observed follow, and
-- creation dates clustered with other new followers of the same account.
-- `points_to` says which verdict a bin speaks for, so `reasons` quote only evidence for the
-- verdict reached (the learned weight decides how much it counts).
with

relationships as (
    select * from {{ ref('int_follower_relationships') }}
),

profiles as (
    select * from {{ ref('int_account_profiles') }}
),

followers as (
    select
        relationships.platform,
        relationships.account_id,
        relationships.follower_id,
        profiles.handle,
        profiles.bio,
        profiles.followers_count,
        profiles.following_count,
        profiles.posts_count,
        profiles.listed_count,
        profiles.has_default_avatar,
        profiles.verified,
        profiles.following_count * 1.0 / greatest(profiles.followers_count, 1) as follow_ratio,
        {{ dbt.datediff('profiles.created_at', 'relationships.first_observed_follow_at', 'day') }}
            as age_at_follow_days,
        {{ day_number('profiles.created_at') }} as created_day
    from relationships
    inner join profiles
        on
            relationships.platform = profiles.platform
            and relationships.follower_id = profiles.account_id
),

new_followers as (
    select * from followers
    where age_at_follow_days < {{ var('new_account_days') }}
),

created_per_day as (
    select
        platform,
        account_id,
        created_day,
        count(*) as new_followers
    from new_followers
    group by platform, account_id, created_day
),

clusters as (
    select
        new_followers.platform,
        new_followers.account_id,
        new_followers.follower_id,
        sum(created_per_day.new_followers) - 1 as created_alongside
    from new_followers
    inner join created_per_day
        on
            new_followers.platform = created_per_day.platform
            and new_followers.account_id = created_per_day.account_id
            and created_per_day.created_day between new_followers.created_day - 1
            and new_followers.created_day + 1
    group by new_followers.platform, new_followers.account_id, new_followers.follower_id
),

signals as (
    select
        platform,
        account_id,
        follower_id,
        case
            when followers_count < 30 then 'followers_lt_30'
            when followers_count < 1000 then 'followers_30_999'
            else 'followers_1000_plus'
        end as signal,
        case
            when followers_count < 30 then 'fewer than 30 followers'
            when followers_count < 1000 then '30-999 followers'
            else '1,000+ followers'
        end as detail
    from followers
    where followers_count is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case
            when following_count < 500 then 'following_lt_500'
            when following_count < 2000 then 'following_500_1999'
            else 'following_2000_plus'
        end as signal,
        case
            when following_count < 500 then 'follows fewer than 500'
            when following_count < 2000 then 'follows 500-1,999'
            else 'follows 2,000+'
        end as detail
    from followers
    where following_count is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case
            when follow_ratio < 1 then 'ratio_lt_1'
            when follow_ratio < 3 then 'ratio_1_3'
            when follow_ratio < 10 then 'ratio_3_10'
            else 'ratio_10_plus'
        end as signal,
        'follows ' || {{ format_count('following_count') }}
        || ', followed by ' || {{ format_count('followers_count') }} as detail
    from followers
    where follow_ratio is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case
            when posts_count = 0 then 'posts_0'
            when posts_count < 5 then 'posts_1_4'
            when posts_count < 50 then 'posts_5_49'
            else 'posts_50_plus'
        end as signal,
        case
            when posts_count = 0 then 'no posts'
            when posts_count = 1 then '1 post'
            else {{ format_count('posts_count') }} || ' posts'
        end as detail
    from followers
    where posts_count is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case when listed_count = 0 then 'never_listed' else 'listed' end as signal,
        'listed ' || {{ format_count('listed_count') }} || ' times' as detail
    from followers
    where listed_count is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case when has_default_avatar then 'default_avatar' else 'custom_avatar' end as signal,
        case when has_default_avatar then 'default avatar' else 'own avatar' end as detail
    from followers
    where has_default_avatar is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case when bio = '' then 'empty_bio' else 'has_bio' end as signal,
        case when bio = '' then 'no bio' else 'has a bio' end as detail
    from followers
    where bio is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        'verified' as signal,
        'verified' as detail
    from followers
    where verified

    union all

    select
        platform,
        account_id,
        follower_id,
        case
            when {{ regex_contains('handle', '[0-9]{4,}') }} then 'digit_handle'
            else 'plain_handle'
        end as signal,
        case
            when {{ regex_contains('handle', '[0-9]{4,}') }} then 'digit-heavy handle'
            else 'handle without digit runs'
        end as detail
    from followers
    where handle is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        case
            when age_at_follow_days < {{ var('new_account_days') }} then 'new_account'
            else 'established_account'
        end as signal,
        'created ' || {{ format_count('age_at_follow_days') }} || ' days before following'
            as detail
    from followers
    where age_at_follow_days is not null

    union all

    select
        platform,
        account_id,
        follower_id,
        'creation_cluster' as signal,
        'created within a day of ' || {{ format_count('created_alongside') }}
        || ' other new followers' as detail
    from clusters
    where created_alongside >= {{ var('creation_cluster_min') }}
),

final as (
    select
        *,
        case
            when signal in (
                'followers_lt_30', 'following_500_1999', 'following_2000_plus', 'ratio_3_10',
                'ratio_10_plus', 'posts_0', 'posts_1_4', 'posts_5_49', 'never_listed',
                'default_avatar', 'empty_bio', 'digit_handle', 'new_account', 'creation_cluster'
            ) then 'inauthentic'
            else 'authentic'
        end as points_to
    from signals
)

select * from final
