-- One row per tracked account, engager and day with any interaction on the account's posts.
-- Tie strength (Granovetter; as used by Bakshy et al. 2012) is read from interaction
-- frequency: on each day, an engager is a strong tie when they engaged on at least
-- var('strong_tie_min_days') distinct days within the trailing var('tie_window_days') days
-- (that day included), a weak tie otherwise.
--
-- Incremental by (account, engager) pair: a run rebuilds the whole history of the pairs whose
-- interactions changed since the look-back window start (macros/dump_date_window.sql; a
-- nightly run: those who interacted in the new dump), those on a post first delivered in the
-- window, those of an account not built yet, and those whose rows came from the window (an
-- interaction may have gone). A pair's trailing tie window so always sees its whole history.
-- Post-hooks delete the rows of dropped accounts, and those of pairs whose only interactions
-- in the window are gone (macros/engager_pairs.sql).
-- depends_on: {{ ref('stg_tracked_accounts') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['platform', 'account_id', 'engager_id'],
        on_schema_change='fail',
        post_hook=[
            "{{ delete_rows_of_untracked_accounts() }}",
            "{{ delete_vanished_engager_days() }}",
        ],
    )
}}

{%- set window_start = dump_date_window_start() if is_incremental() else none %}

with

interactions as (
    select * from {{ ref('int_post_interactions') }}
),

{% if window_start %}
    rebuilt_pairs as (
        {{ rebuilt_engager_pairs(window_start) }}
    ),

    pair_interactions as (
        select interactions.*
        from interactions
        inner join rebuilt_pairs
            on
                interactions.platform = rebuilt_pairs.platform
                and interactions.account_id = rebuilt_pairs.account_id
                and interactions.engager_id = rebuilt_pairs.engager_id
    ),
{% endif %}

daily as (
    select
        platform,
        account_id,
        engager_id,
        day_number,
        count(*) as interactions,
        sum(case when is_engagement then 1 else 0 end) as engagements,
        sum(case when engagement_family = 'applause' then 1 else 0 end) as likes,
        sum(case when engagement_family = 'conversation' then 1 else 0 end) as comments,
        sum(case when engagement_family = 'amplification' then 1 else 0 end) as shares,
        max(dump_date) as dump_date
    from {{ 'pair_interactions' if window_start else 'interactions' }}
    group by platform, account_id, engager_id, day_number
),

with_ties as (
    select
        *,
        sum(case when engagements > 0 then 1 else 0 end) over (
            partition by platform, account_id, engager_id
            order by day_number
            range between {{ var('tie_window_days') - 1 }} preceding and current row
        ) as engaged_days_in_tie_window
    from daily
),

final as (
    select
        platform,
        account_id,
        engager_id,
        day_number,
        interactions,
        engagements,
        likes,
        comments,
        shares,
        engaged_days_in_tie_window,
        engaged_days_in_tie_window >= {{ var('strong_tie_min_days') }} as is_strong_tie,
        dump_date
    from with_ties
)

select * from final
