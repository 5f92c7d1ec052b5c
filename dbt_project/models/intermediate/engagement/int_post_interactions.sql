-- Interactions of other accounts on tracked accounts' posts (the author's own replies under its
-- post are dialog, not audience engagement), classified by Kaushik's families:
-- applause = like; conversation = comment, reply; amplification = share, repost, quote.
-- An engagement is any of those or a save; clicks and mentions are interactions, not engagements.
--
-- Incremental by dump date (the interaction's), like stg_interactions: a run rebuilds the dump
-- dates of its look-back window (macros/dump_date_window.sql), and the older dump dates that
-- hold interactions whose rows are new although the interaction is not: those on a post first
-- delivered within the window (it came after its interactions) and those on an account not
-- built yet (newly tracked, or tracked again). The post-hook deletes the rows of accounts
-- dropped from tracked_accounts. A nightly run so writes one day of rows, where a full build
-- writes the year: the dates it rebuilt are in macros/rebuilt_dump_dates.sql.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='dump_date',
        on_schema_change='fail',
        post_hook="{{ delete_rows_of_untracked_posts() }}",
    )
}}

{%- set rebuilt = rebuilt_dump_dates() if is_incremental() else none %}

with

interactions as (
    select * from {{ ref('stg_interactions') }}
    {%- if rebuilt is not none %}
        where {{ dump_date_in(rebuilt) }}
    {%- endif %}
),

posts as (
    select
        platform,
        post_id,
        account_id,
        first_dump_date
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
        end as engagement_family,
        interactions.dump_date,
        posts.first_dump_date as post_first_dump_date
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
