{#- First date an incremental run reprocesses: var('lookback_days') before the newest value of
    `column` already in the model, or before the date in env var TRUEFANS_REPROCESS_FROM when
    that is earlier. The pipeline sets it to the first dump date of its run, so a backfill of an
    old dump date (or a re-run of any partition) rebuilds everything from that date on, exactly
    as loading in order would have; a nightly run of the newest date changes nothing.
    An environment variable, not a --var: it is only read when the model runs (inside
    is_incremental()), so a new value every night keeps dbt's partial parsing (a changed --vars
    forces a full re-parse, about 12 s here). -#}
{% macro lookback_start(column) -%}
    {%- set newest = 'max(' ~ column ~ ')' -%}
    {%- set reprocess_from = env_var('TRUEFANS_REPROCESS_FROM', '') -%}
    {%- if reprocess_from -%}
        {#- a malformed date fails here, before it could reach SQL -#}
        {%- set _ = modules.datetime.datetime.strptime(reprocess_from, '%Y-%m-%d') -%}
        {%- set newest = 'least(' ~ newest ~ ', ' ~ dbt.cast(dbt.string_literal(reprocess_from), 'date') ~ ')' -%}
    {%- endif %}
    (select cast({{ dbt.dateadd('day', -var('lookback_days'), newest) }} as date) from {{ this }})
{%- endmacro %}

{#- Per account of `accounts` (a relation with platform and account_id), `first_day`: the first
    day_number an incremental daily model with a `date_day` column recounts. A built account:
    var('lookback_days') before its newest built day, or before TRUEFANS_REPROCESS_FROM
    (lookback_start); an account not built yet (newly tracked, or tracked again), and every
    account on a full build: every day (-100000000, far enough from the int bounds to subtract
    a window from). -#}
{% macro recount_from(accounts) -%}
    select
        accounts.platform,
        accounts.account_id,
        {% if is_incremental() -%}
            case
                when built_accounts.account_id is null then -100000000
                else {{ day_number(lookback_start('date_day')) }}
            end as first_day
        {%- else -%}
            -100000000 as first_day
        {%- endif %}
    from {{ accounts }} as accounts
    {%- if is_incremental() %}
        left join (
            select distinct
                platform,
                account_id
            from {{ this }}
        ) as built_accounts
            on
                accounts.platform = built_accounts.platform
                and accounts.account_id = built_accounts.account_id
    {%- endif %}
{%- endmacro %}
