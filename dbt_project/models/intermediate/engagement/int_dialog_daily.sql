-- Per tracked account and day: accounts in a two-way exchange within the last
-- var('dialog_window_days') days: the tracked account replied to or commented on one of their
-- posts, and they commented on or replied to one of the tracked account's posts, both inside
-- the window. The contract has no reply-to column, so "replied to them" means "acted on a post
-- they authored".
with

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

outgoing as (
    select distinct
        interactions.platform,
        tracked.account_id,
        posts.account_id as other_id,
        {{ day_number('interactions.created_at') }} as day_number
    from {{ ref('stg_interactions') }} as interactions
    inner join tracked
        on
            interactions.platform = tracked.platform
            and interactions.actor_id = tracked.account_id
    inner join {{ ref('stg_posts') }} as posts
        on
            interactions.platform = posts.platform
            and interactions.post_id = posts.post_id
    where
        interactions.interaction_kind in ('reply', 'comment')
        and posts.account_id != tracked.account_id
),

incoming as (
    select distinct
        platform,
        account_id,
        engager_id as other_id,
        day_number
    from {{ ref('int_post_interactions') }}
    where engagement_family = 'conversation'
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
        greatest(outgoing_intervals.start_day, incoming_intervals.start_day) as start_day,
        least(outgoing_intervals.end_day, incoming_intervals.end_day) as end_day
    from outgoing_intervals
    inner join incoming_intervals
        on
            outgoing_intervals.platform = incoming_intervals.platform
            and outgoing_intervals.account_id = incoming_intervals.account_id
            and outgoing_intervals.other_id = incoming_intervals.other_id
            and outgoing_intervals.start_day <= incoming_intervals.end_day
            and outgoing_intervals.end_day >= incoming_intervals.start_day
),

spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

dialog_counts as (
    {{ count_open_intervals('both_ways', 'spine') }}
)

select
    platform,
    account_id,
    day_number,
    open_intervals as dialog_accounts
from dialog_counts
