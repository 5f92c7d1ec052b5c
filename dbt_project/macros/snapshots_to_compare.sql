{#- Every follower snapshot time per account, with the one before it, its number in the
    account's sequence (1 = the first snapshot) and `dump_date`, the
    newest dump date that delivered rows of it. `is_compared` marks the snapshots an
    incremental run of int_follow_events_from_snapshots compares with their previous one:
    those touched by the run's dump dates (dump_date_window_start) and the snapshot right after
    each of them (its previous snapshot may have changed). On a full build: all of them. -#}
{% macro snapshots_to_compare() -%}
    {%- set window_start = dump_date_window_start() if is_incremental() else none %}
    with

    times as (
        select
            platform,
            followee_id,
            snapshot_at,
            max(dump_date) as dump_date
        from {{ ref('stg_follower_snapshots') }}
        group by platform, followee_id, snapshot_at
    ),

    ordered as (
        select
            *,
            lag(snapshot_at) over (
                partition by platform, followee_id order by snapshot_at
            ) as previous_snapshot_at,
            lag(dump_date) over (
                partition by platform, followee_id order by snapshot_at
            ) as previous_dump_date,
            row_number() over (
                partition by platform, followee_id order by snapshot_at
            ) as snapshot_number
        from times
    )

    select
        platform,
        followee_id,
        snapshot_at,
        previous_snapshot_at,
        snapshot_number,
        dump_date,
        {% if window_start -%}
            (dump_date >= {{ window_start }} or previous_dump_date >= {{ window_start }})
        {%- else -%}
            true
        {%- endif %} as is_compared
    from ordered
{%- endmacro %}


{#- Pre-hook of int_follow_events_from_snapshots: removes the events of the snapshots this run
    compares again, so the appended events replace them (an incremental run only). -#}
{% macro delete_events_of_compared_snapshots() -%}
    {%- if is_incremental() %}
        {#- the compared columns are renamed, so the unqualified names below are the target's #}
        delete from {{ this }}
        where exists (
            select 1
            from (
                select
                    platform as compared_platform,
                    followee_id as compared_followee_id,
                    snapshot_at as compared_snapshot_at
                from ({{ snapshots_to_compare() }}) as all_times
                where is_compared
            ) as compared
            where
                compared_platform = platform
                and compared_followee_id = followee_id
                and compared_snapshot_at = event_at
        )
    {%- endif %}
{%- endmacro %}
