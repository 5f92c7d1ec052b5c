{#- The marts hold the tracked accounts in force only: the latest dump of tracked_accounts
    (LANDING_CONTRACT.md; stg_tracked_accounts). Table marts follow from it by construction
    (they hang on the spine int_tracked_account_days or join stg_tracked_accounts); an
    incremental mart keeps the rows of earlier runs, so it deletes those of dropped accounts
    with this post-hook (and builds the whole history of an account it has not built yet, not
    only its look-back window: see fct_engagement_daily).

    delete_rows_off_spine: post-hook of an incremental daily mart. Deletes the rows of
    {{ this }} whose (platform, account_id, day) is not on the spine any more, i.e. the rows of
    an account dropped from tracked_accounts, so the table holds what a full refresh builds.
    A no-op on a full build. Dispatched: DuckDB deletes with NOT EXISTS, Spark (Delta) merges. -#}
{% macro delete_rows_off_spine(date_column='date') -%}
    {{ return(adapter.dispatch('delete_rows_off_spine', 'truefans')(date_column)) }}
{%- endmacro %}

{% macro default__delete_rows_off_spine(date_column) -%}
    {%- if is_incremental() %}
        {#- the spine's columns are renamed, so the unqualified names below are the target's #}
        delete from {{ this }}
        where not exists (
            select 1
            from (
                select
                    platform as spine_platform,
                    account_id as spine_account_id,
                    date_day as spine_date
                from {{ ref('int_tracked_account_days') }}
            ) as spine
            where
                spine_platform = platform
                and spine_account_id = account_id
                and spine_date = {{ date_column }}
        )
    {%- endif %}
{%- endmacro %}

{% macro spark__delete_rows_off_spine(date_column) -%}
    {%- if is_incremental() %}
        merge into {{ this }} as built
        using {{ ref('int_tracked_account_days') }} as spine
            on
                built.platform = spine.platform
                and built.account_id = spine.account_id
                and built.{{ date_column }} = spine.date_day
        when not matched by source then delete
    {%- endif %}
{%- endmacro %}


{#- delete_rows_of_untracked_posts: post-hook of int_post_interactions. Deletes the rows of
    {{ this }} on posts that are not tracked posts any more (their account was dropped from
    tracked_accounts). A no-op on a full build. -#}
{% macro delete_rows_of_untracked_posts() -%}
    {{ return(adapter.dispatch('delete_rows_of_untracked_posts', 'truefans')()) }}
{%- endmacro %}

{% macro default__delete_rows_of_untracked_posts() -%}
    {%- if is_incremental() %}
        delete from {{ this }}
        where not exists (
            select 1
            from (
                select
                    platform as tracked_platform,
                    post_id as tracked_post_id
                from {{ ref('int_tracked_posts') }}
            ) as tracked
            where
                tracked_platform = platform
                and tracked_post_id = post_id
        )
    {%- endif %}
{%- endmacro %}

{% macro spark__delete_rows_of_untracked_posts() -%}
    {%- if is_incremental() %}
        merge into {{ this }} as built
        using {{ ref('int_tracked_posts') }} as tracked
            on
                built.platform = tracked.platform
                and built.post_id = tracked.post_id
        when not matched by source then delete
    {%- endif %}
{%- endmacro %}

{#- delete_rows_of_untracked_accounts: post-hook of an incremental model keyed by tracked
    account without a day spine (int_engager_daily). Deletes the rows of {{ this }} whose
    (platform, account_id) is not tracked any more. A no-op on a full build. -#}
{% macro delete_rows_of_untracked_accounts() -%}
    {{ return(adapter.dispatch('delete_rows_of_untracked_accounts', 'truefans')()) }}
{%- endmacro %}

{% macro default__delete_rows_of_untracked_accounts() -%}
    {%- if is_incremental() %}
        delete from {{ this }}
        where not exists (
            select 1
            from (
                select
                    platform as tracked_platform,
                    account_id as tracked_account_id
                from {{ ref('stg_tracked_accounts') }}
            ) as tracked
            where
                tracked_platform = platform
                and tracked_account_id = account_id
        )
    {%- endif %}
{%- endmacro %}

{% macro spark__delete_rows_of_untracked_accounts() -%}
    {%- if is_incremental() %}
        merge into {{ this }} as built
        using {{ ref('stg_tracked_accounts') }} as tracked
            on
                built.platform = tracked.platform
                and built.account_id = tracked.account_id
        when not matched by source then delete
    {%- endif %}
{%- endmacro %}
