-- Per tracked account and day: accounts in a two-way exchange within the last
-- var('dialog_window_days') days: the tracked account replied to or commented on one of their
-- posts, and they commented on or replied to one of the tracked account's posts, both inside
-- the window. The contract has no reply-to column, so "replied to them" means "acted on a post
-- they authored".
--
-- Incremental, like int_audience_activity_daily: each built account's days are recounted from
-- var('lookback_days') before its newest built day (or before TRUEFANS_REPROCESS_FROM), an
-- account not built yet whole; only the exchanges of the dialog window before those days are
-- read, and a dialog that began earlier counts from the first recounted day.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['platform', 'account_id', 'day_number'],
        on_schema_change='fail',
        post_hook="{{ delete_rows_off_spine('date_day') }}",
    )
}}

with

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

-- the first day each account's rows are counted from (macros/lookback_start.sql)
recounted as (
    {{ recount_from('tracked') }}
),

outgoing as (
    select distinct
        interactions.platform,
        recounted.account_id,
        posts.account_id as other_id,
        {{ day_number('interactions.created_at') }} as day_number,
        recounted.first_day
    from {{ ref('stg_interactions') }} as interactions
    inner join recounted
        on
            interactions.platform = recounted.platform
            and interactions.actor_id = recounted.account_id
    inner join {{ ref('stg_posts') }} as posts
        on
            interactions.platform = posts.platform
            and interactions.post_id = posts.post_id
    where
        interactions.interaction_kind in ('reply', 'comment')
        and posts.account_id != recounted.account_id
        and {{ day_number('interactions.created_at') }}
        >= recounted.first_day - {{ var('dialog_window_days') - 1 }}
),

incoming as (
    select distinct
        interactions.platform,
        interactions.account_id,
        interactions.engager_id as other_id,
        interactions.day_number,
        recounted.first_day
    from {{ ref('int_post_interactions') }} as interactions
    inner join recounted
        on
            interactions.platform = recounted.platform
            and interactions.account_id = recounted.account_id
    where
        interactions.engagement_family = 'conversation'
        and interactions.day_number >= recounted.first_day - {{ var('dialog_window_days') - 1 }}
),

{% for direction in ['outgoing', 'incoming'] %}
    {{ direction }}_raw as (
        select
            platform,
            account_id,
            other_id,
            day_number as start_day,
            day_number + {{ var('dialog_window_days') - 1 }} as end_day
        from {{ direction }}
    ),

    {{ direction }}_intervals as (
        {{ merge_intervals(direction ~ '_raw', ['platform', 'account_id', 'other_id']) }}
    ),
{% endfor %}

both_ways as (
    select
        outgoing_intervals.platform,
        outgoing_intervals.account_id,
        greatest(
            outgoing_intervals.start_day, incoming_intervals.start_day, recounted.first_day
        ) as start_day,
        least(outgoing_intervals.end_day, incoming_intervals.end_day) as end_day
    from outgoing_intervals
    inner join incoming_intervals
        on
            outgoing_intervals.platform = incoming_intervals.platform
            and outgoing_intervals.account_id = incoming_intervals.account_id
            and outgoing_intervals.other_id = incoming_intervals.other_id
            and outgoing_intervals.start_day <= incoming_intervals.end_day
            and outgoing_intervals.end_day >= incoming_intervals.start_day
    inner join recounted
        on
            outgoing_intervals.platform = recounted.platform
            and outgoing_intervals.account_id = recounted.account_id
    where least(outgoing_intervals.end_day, incoming_intervals.end_day) >= recounted.first_day
),

spine as (
    select tracked_days.*
    from {{ ref('int_tracked_account_days') }} as tracked_days
    inner join recounted
        on
            tracked_days.platform = recounted.platform
            and tracked_days.account_id = recounted.account_id
    where tracked_days.day_number >= recounted.first_day
),

dialog_counts as (
    {{ count_open_intervals('both_ways', 'spine') }}
),

final as (
    select
        dialog_counts.platform,
        dialog_counts.account_id,
        dialog_counts.day_number,
        {{ day_number_to_date('dialog_counts.day_number') }} as date_day,
        dialog_counts.open_intervals as dialog_accounts
    from dialog_counts
)

select * from final
