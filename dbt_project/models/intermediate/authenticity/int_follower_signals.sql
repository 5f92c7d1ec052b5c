-- Every piece of evidence about every follower of a tracked account, one row per signal that
-- fired, with the words a person reads in `reasons`. Each profile field is cut into bins that
-- all carry a learned weight (seed `authenticity_weights`), so a known "normal" value is
-- evidence too; an unknown field fires no bin at all and so weighs nothing either way.
-- Signals: the profile features of Cresci et al. 2015 (followers, posts, following/followers,
-- listed, avatar, bio) plus handle digits, account age at the first observed follow, and
-- creation dates clustered with other new followers of the same account.
-- The bins (cut-offs, `points_to`, words) are seed `authenticity_signal_bins`; this model only
-- computes each field. `points_to` says which verdict a bin speaks for, so `reasons` quote only
-- evidence for the verdict reached (the learned weight decides how much it counts).
with

relationships as (
    select * from {{ ref('int_follower_relationships') }}
),

profiles as (
    select * from {{ ref('int_account_profiles') }}
),

bins as (
    select * from {{ ref('authenticity_signal_bins') }}
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

-- new followers: those in the `new_account` bin
new_followers as (
    select followers.*
    from followers
    inner join bins
        on
            bins.signal = 'new_account'
            and followers.age_at_follow_days < bins.upper_bound
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

-- every known field value, with the words for fields whose bins do not word it themselves
{%- set fields = {
    'followers_count': ['followers_count', none],
    'following_count': ['following_count', none],
    'follow_ratio': ['follow_ratio',
        "'follows ' || " ~ format_count('following_count')
        ~ " || ', followed by ' || " ~ format_count('followers_count')],
    'posts_count': ['posts_count',
        "case when posts_count = 0 then 'no posts' when posts_count = 1 then '1 post' else "
        ~ format_count('posts_count') ~ " || ' posts' end"],
    'listed_count': ['listed_count', "'listed ' || " ~ format_count('listed_count') ~ " || ' times'"],
    'has_default_avatar': ['case when has_default_avatar then 1 when not has_default_avatar then 0 end', none],
    'bio_length': [dbt.length('bio'), none],
    'verified': ['case when verified then 1 when not verified then 0 end', none],
    'handle_digit_run': [longest_digit_run('handle'), none],
    'age_at_follow_days': ['age_at_follow_days',
        "'created ' || " ~ format_count('age_at_follow_days') ~ " || ' days before following'"],
} %}
field_values as (
    {%- for field, (value, detail) in fields.items() %}
        select
            platform,
            account_id,
            follower_id,
            '{{ field }}' as field,
            {{ value }} as field_value,
            cast({{ detail or 'null' }} as {{ dbt.type_string() }}) as value_detail
        from followers
        union all
    {%- endfor %}
    select
        platform,
        account_id,
        follower_id,
        'created_alongside' as field,
        created_alongside as field_value,
        'created within a day of ' || {{ format_count('created_alongside') }}
        || ' other new followers' as value_detail
    from clusters
),

-- a known value fires the one bin of its field whose [lower_bound, upper_bound) holds it
final as (
    select
        field_values.platform,
        field_values.account_id,
        field_values.follower_id,
        bins.signal,
        coalesce(bins.detail, field_values.value_detail) as detail,
        bins.points_to
    from field_values
    inner join bins
        on
            field_values.field = bins.field
            and (bins.lower_bound is null or field_values.field_value >= bins.lower_bound)
            and (bins.upper_bound is null or field_values.field_value < bins.upper_bound)
    where field_values.field_value is not null
)

select * from final
