{#- The dump dates an incremental run of int_post_interactions rebuilds, as a list of ISO
    strings (empty when there is nothing to rebuild), read before the model runs:

    - every dump date of stg_interactions from the look-back window start
      (dump_date_window_start: a nightly run's own dump date);
    - the older dump dates holding interactions on a post first delivered within the window
      (the post came after its interactions, whose rows the inner join left out until now);
    - the older dump dates holding interactions on an account not built yet: newly tracked,
      or tracked again after it was dropped (the post-hook deleted its rows).

    A date is rebuilt whole (delete+insert on dump_date), so the result is what a full build
    gives for it. Rendered into the model as a literal list, so that DuckDB reads only those
    dates' row groups of stg_interactions. -#}
{% macro rebuilt_dump_dates() -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set window_start = dump_date_window_start() -%}
    {%- set query -%}
        with

        built_accounts as (
            select distinct
                platform,
                account_id
            from {{ this }}
        ),

        late_or_new_posts as (
            select
                posts.platform,
                posts.post_id
            from {{ ref('int_tracked_posts') }} as posts
            left join built_accounts
                on
                    posts.platform = built_accounts.platform
                    and posts.account_id = built_accounts.account_id
            where
                posts.first_dump_date >= {{ window_start }}
                or built_accounts.account_id is null
        )

        select distinct dump_date
        from {{ ref('stg_interactions') }}
        where dump_date >= {{ window_start }}
        union
        select distinct interactions.dump_date
        from {{ ref('stg_interactions') }} as interactions
        inner join late_or_new_posts
            on
                interactions.platform = late_or_new_posts.platform
                and interactions.post_id = late_or_new_posts.post_id
        order by dump_date
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | map('string') | list) }}
{%- endmacro %}

{#- `column` is one of `dates` (ISO strings); false for an empty list. -#}
{% macro dump_date_in(dates, column='dump_date') -%}
    {%- if dates -%}
        {{ column }} in (
        {%- for date in dates -%}
            {{ dbt.cast(dbt.string_literal(date), 'date') }}{{ ', ' if not loop.last }}
        {%- endfor -%}
        )
    {%- else -%}
        1 = 0
    {%- endif -%}
{%- endmacro %}
