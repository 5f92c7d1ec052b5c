{#- The marts hold the tracked accounts in force only: the latest dump of tracked_accounts
    (LANDING_CONTRACT.md; stg_tracked_accounts). Table marts follow from it by construction
    (they hang on the spine int_tracked_account_days or join stg_tracked_accounts); an
    incremental mart keeps the rows of earlier runs, so it deletes those of dropped accounts
    with this post-hook (and builds the whole history of an account it has not built yet, not
    only its look-back window: see fct_engagement_daily).

    delete_rows_off_spine: post-hook of an incremental daily mart. Deletes the rows of
    {{ this }} whose (platform, account_id, day) is not on the spine any more, i.e. the rows of
    an account dropped from tracked_accounts, so the table holds what a full refresh builds.
    A no-op on a full build.

    delete_rows_of_untracked_posts (int_post_interactions) and delete_rows_of_untracked_accounts
    (int_engager_daily) do the same against the tracked posts and the tracked accounts. All three
    are delete_unmatched_rows: dispatched, DuckDB deletes with NOT EXISTS, Spark (Delta) merges. -#}
{% macro delete_rows_off_spine(date_column='date') -%}
    {{ delete_unmatched_rows(
        ref('int_tracked_account_days'),
        {'platform': 'platform', 'account_id': 'account_id', date_column: 'date_day'},
    ) }}
{%- endmacro %}

{% macro delete_rows_of_untracked_posts() -%}
    {{ delete_unmatched_rows(
        ref('int_tracked_posts'), {'platform': 'platform', 'post_id': 'post_id'}
    ) }}
{%- endmacro %}

{% macro delete_rows_of_untracked_accounts() -%}
    {{ delete_unmatched_rows(
        ref('stg_tracked_accounts'), {'platform': 'platform', 'account_id': 'account_id'}
    ) }}
{%- endmacro %}

{#- Deletes the rows of {{ this }} without a row of `reference` that matches on `columns`
    (column of this: column of reference). A no-op on a full build. -#}
{% macro delete_unmatched_rows(reference, columns) -%}
    {{ return(adapter.dispatch('delete_unmatched_rows', 'truefans')(reference, columns)) }}
{%- endmacro %}

{% macro default__delete_unmatched_rows(reference, columns) -%}
    {%- if is_incremental() %}
        {#- the reference's columns are renamed, so the unqualified names below are the target's #}
        delete from {{ this }}
        where not exists (
            select 1
            from (
                select
                {%- for built, kept in columns.items() %}
                    {{ kept }} as kept_{{ loop.index }}{{ ',' if not loop.last }}
                {%- endfor %}
                from {{ reference }}
            ) as kept
            where
            {%- for built in columns %}
                kept_{{ loop.index }} = {{ built }}{{ ' and' if not loop.last }}
            {%- endfor %}
        )
    {%- endif %}
{%- endmacro %}

{% macro spark__delete_unmatched_rows(reference, columns) -%}
    {%- if is_incremental() %}
        merge into {{ this }} as built
        using {{ reference }} as kept
            on
            {%- for built, kept in columns.items() %}
                built.{{ built }} = kept.{{ kept }}{{ ' and' if not loop.last }}
            {%- endfor %}
        when not matched by source then delete
    {%- endif %}
{%- endmacro %}
