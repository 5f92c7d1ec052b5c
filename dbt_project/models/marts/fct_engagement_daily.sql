-- One row per tracked account and day: follower growth, the engagement of that day's posts,
-- Kaushik's rates, the audience's activity, dialog and weak-tie share. Formulas: see the YAML.
-- Incremental: recomputes the newest var('lookback_days') days (a post's interactions keep
-- arriving for days), from intermediate models that hold the whole history. It holds the
-- tracked accounts in force only, as a full refresh would: an account not built yet (newly
-- tracked, or tracked again after it was dropped) gets its whole history, and the post-hook
-- deletes the rows of accounts dropped from tracked_accounts (macros/tracked_accounts_in_force.sql).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['platform', 'account_id', 'date'],
        on_schema_change='fail',
        post_hook="{{ delete_rows_off_spine('date') }}",
    )
}}
with

followers as (
    select * from {{ ref('fct_followers_daily') }}
),

spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

posts as (
    select * from {{ ref('fct_post_engagement') }}
),

activity as (
    select * from {{ ref('int_audience_activity_daily') }}
),

dialog as (
    select * from {{ ref('int_dialog_daily') }}
),

engager_days as (
    select * from {{ ref('int_engager_daily') }}
),

{% if is_incremental() %}
    built_accounts as (
        select distinct
            platform,
            account_id
        from {{ this }}
    ),
{% endif %}

posts_daily as (
    select
        platform,
        account_id,
        cast(created_at as date) as date_day,
        count(*) as posts,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(engagements) as engagements,
        sum(authentic_engagements) as authentic_engagements,
        {{ exact_avg('engagement_rate') }} as engagement_rate,
        {{ exact_avg('authentic_engagement_rate') }} as authentic_engagement_rate,
        sum(case when reach is not null then engagements end) * 1.0
        / nullif(sum(reach), 0) as engagement_rate_by_reach,
        sum(case when impressions is not null then engagements end) * 1.0
        / nullif(sum(impressions), 0) as engagement_rate_by_impressions,
        {{ exact_avg('conversation_per_1k_followers') }} as conversation_rate_per_1k_followers,
        {{ exact_avg('amplification_per_1k_followers') }} as amplification_rate_per_1k_followers,
        {{ exact_avg('applause_per_1k_followers') }} as applause_rate_per_1k_followers
    from posts
    group by platform, account_id, cast(created_at as date)
),

ties_daily as (
    select
        platform,
        account_id,
        day_number,
        sum(engagements) as engagements,
        sum(case when not is_strong_tie then engagements else 0 end) as weak_tie_engagements,
        sum(shares) as shares,
        sum(case when not is_strong_tie then shares else 0 end) as weak_tie_shares
    from engager_days
    group by platform, account_id, day_number
),

ties_trailing as (
    select
        spine.platform,
        spine.account_id,
        spine.day_number,
        {{ trailing_sum('ties_daily.engagements', var('tie_window_days')) }} as engagements_window,
        {{ trailing_sum('ties_daily.weak_tie_engagements', var('tie_window_days')) }} as weak_tie_engagements_window,
        {{ trailing_sum('ties_daily.shares', var('tie_window_days')) }} as shares_window,
        {{ trailing_sum('ties_daily.weak_tie_shares', var('tie_window_days')) }} as weak_tie_shares_window
    from spine
    left join ties_daily
        on
            spine.platform = ties_daily.platform
            and spine.account_id = ties_daily.account_id
            and spine.day_number = ties_daily.day_number
),

final as (
    select
        followers.platform,
        followers.account_id,
        followers.date,
        followers.followers,
        followers.follows_gross,
        followers.unfollows_gross,
        followers.net_follower_change,
        cast(coalesce(posts_daily.posts, 0) as {{ dbt.type_bigint() }}) as posts,
        cast(coalesce(posts_daily.likes, 0) as {{ dbt.type_bigint() }}) as likes,
        cast(coalesce(posts_daily.comments, 0) as {{ dbt.type_bigint() }}) as comments,
        cast(coalesce(posts_daily.shares, 0) as {{ dbt.type_bigint() }}) as shares,
        cast(coalesce(posts_daily.engagements, 0) as {{ dbt.type_bigint() }}) as engagements,
        posts_daily.engagement_rate,
        posts_daily.engagement_rate_by_reach,
        posts_daily.engagement_rate_by_impressions,
        posts_daily.comments * 1.0 / posts_daily.posts as conversation_rate,
        posts_daily.shares * 1.0 / posts_daily.posts as amplification_rate,
        posts_daily.likes * 1.0 / posts_daily.posts as applause_rate,
        posts_daily.conversation_rate_per_1k_followers,
        posts_daily.amplification_rate_per_1k_followers,
        posts_daily.applause_rate_per_1k_followers,
        cast(activity.active_followers as {{ dbt.type_bigint() }}) as active_followers_28d,
        activity.active_followers * 1.0 / nullif(followers.followers, 0) as active_follower_ratio_28d,
        cast(followers.followers - activity.engaged_followers as {{ dbt.type_bigint() }}) as ghost_followers,
        (followers.followers - activity.engaged_followers) * 1.0
        / nullif(followers.followers, 0) as ghost_share,
        cast(activity.true_fans as {{ dbt.type_bigint() }}) as true_fans,
        cast(dialog.dialog_accounts as {{ dbt.type_bigint() }}) as dialog_accounts_90d,
        {{ var('dunbar_number') }} as dunbar_number,
        ties_trailing.weak_tie_engagements_window * 1.0
        / nullif(ties_trailing.engagements_window, 0) as weak_tie_engagement_share_90d,
        ties_trailing.weak_tie_shares_window * 1.0
        / nullif(ties_trailing.shares_window, 0) as weak_tie_share_of_shares_90d,
        cast(coalesce(posts_daily.authentic_engagements, 0) as {{ dbt.type_bigint() }}) as authentic_engagements,
        posts_daily.authentic_engagement_rate
    from followers
    inner join spine
        on
            followers.platform = spine.platform
            and followers.account_id = spine.account_id
            and followers.date = spine.date_day
    left join posts_daily
        on
            followers.platform = posts_daily.platform
            and followers.account_id = posts_daily.account_id
            and followers.date = posts_daily.date_day
    inner join activity
        on
            spine.platform = activity.platform
            and spine.account_id = activity.account_id
            and spine.day_number = activity.day_number
    inner join dialog
        on
            spine.platform = dialog.platform
            and spine.account_id = dialog.account_id
            and spine.day_number = dialog.day_number
    inner join ties_trailing
        on
            spine.platform = ties_trailing.platform
            and spine.account_id = ties_trailing.account_id
            and spine.day_number = ties_trailing.day_number
    {% if is_incremental() %}
        left join built_accounts
            on
                followers.platform = built_accounts.platform
                and followers.account_id = built_accounts.account_id
        where
            followers.date >= {{ lookback_start('date') }}
            or built_accounts.account_id is null
    {% endif %}
)

select * from final
