{#- The (platform, account_id, engager_id) pairs an incremental run of int_engager_daily
    rebuilds, from `window_start` (a date expression, dump_date_window_start):

    - pairs with an interaction of a dump date in the window, or on a post first delivered in
      the window (int_post_interactions rebuilt those dates: macros/rebuilt_dump_dates.sql);
    - pairs of an account not built yet (newly tracked, or tracked again);
    - pairs with a row built from the window: one of its interactions may have gone (a
      corrected dump), and the pair is recounted from what is left. -#}
{% macro rebuilt_engager_pairs(window_start) -%}
    select distinct
        platform,
        account_id,
        engager_id
    from {{ ref('int_post_interactions') }}
    where dump_date >= {{ window_start }} or post_first_dump_date >= {{ window_start }}
    union
    select distinct
        interactions.platform,
        interactions.account_id,
        interactions.engager_id
    from {{ ref('int_post_interactions') }} as interactions
    inner join (
        select
            platform,
            account_id
        from {{ ref('stg_tracked_accounts') }}
        except
        select distinct
            platform,
            account_id
        from {{ this }}
    ) as unbuilt_accounts
        on
            interactions.platform = unbuilt_accounts.platform
            and interactions.account_id = unbuilt_accounts.account_id
    union
    select distinct
        platform,
        account_id,
        engager_id
    from {{ this }}
    where dump_date >= {{ window_start }}
{%- endmacro %}

{#- Post-hook of int_engager_daily: deletes the rows built from the window whose interactions
    are all gone (a pair recounted from what is left is replaced whole; a pair with nothing
    left has no new rows to replace its old ones). Every row the run wrote from the window
    has an interaction of its day with that dump date, so only the window's interactions are
    read. A no-op on a full build. -#}
{% macro delete_vanished_engager_days() -%}
    {%- if is_incremental() %}
        {%- set window_start = dump_date_window_start() %}
        delete from {{ this }}
        where
            dump_date >= {{ window_start }}
            and not exists (
                select 1
                from (
                    select
                        platform as kept_platform,
                        account_id as kept_account_id,
                        engager_id as kept_engager_id,
                        day_number as kept_day_number
                    from {{ ref('int_post_interactions') }}
                    where dump_date >= {{ window_start }}
                ) as kept
                where
                    kept_platform = platform
                    and kept_account_id = account_id
                    and kept_engager_id = engager_id
                    and kept_day_number = day_number
            )
    {%- endif %}
{%- endmacro %}
