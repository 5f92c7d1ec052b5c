{#- Day-interval algebra used for trailing-window audience metrics (active followers, true fans,
    dialog). Instead of joining every day with every engager, each fact becomes a closed
    interval [start_day, end_day] of day numbers during which it holds; counting the intervals
    open on a day is a running sum of +1/-1 events. -#}

{#- Merge overlapping or adjacent intervals within each partition. `relation` has the
    partition columns plus start_day and end_day. -#}
{% macro merge_intervals(relation, partition_by) -%}
    {%- set keys = partition_by | join(', ') -%}
    select
        {{ keys }},
        min(start_day) as start_day,
        max(end_day) as end_day
    from (
        select
            *,
            sum(case when start_day <= previous_end + 1 then 0 else 1 end) over (
                partition by {{ keys }}
                order by start_day, end_day
                rows between unbounded preceding and current row
            ) as island_id
        from (
            select
                {{ keys }},
                start_day,
                end_day,
                max(end_day) over (
                    partition by {{ keys }}
                    order by start_day, end_day
                    rows between unbounded preceding and 1 preceding
                ) as previous_end
            from {{ relation }}
        ) as ordered_intervals
    ) as islands
    group by {{ keys }}, island_id
{%- endmacro %}

{#- For every (platform, account_id, day_number) of `spine`, the number of intervals of
    `intervals` (platform, account_id, start_day, end_day) that contain the day. -#}
{% macro count_open_intervals(intervals, spine) -%}
    select
        spine.platform,
        spine.account_id,
        spine.day_number,
        sum(coalesce(day_deltas.delta, 0)) over (
            partition by spine.platform, spine.account_id
            order by spine.day_number
            rows between unbounded preceding and current row
        ) as open_intervals
    from {{ spine }} as spine
    left join (
        select
            platform,
            account_id,
            day_number,
            sum(delta) as delta
        from (
            {#- an interval opened before the spine's first day counts from that day -#}
            select
                platform,
                account_id,
                greatest(start_day, (select min(day_number) from {{ spine }})) as day_number,
                1 as delta
            from {{ intervals }}
            where end_day >= (select min(day_number) from {{ spine }})
            union all
            select
                platform,
                account_id,
                end_day + 1 as day_number,
                -1 as delta
            from {{ intervals }}
            where end_day >= (select min(day_number) from {{ spine }})
        ) as deltas
        group by platform, account_id, day_number
    ) as day_deltas
        on
            spine.platform = day_deltas.platform
            and spine.account_id = day_deltas.account_id
            and spine.day_number = day_deltas.day_number
{%- endmacro %}

{#- Sum of `expr` over the `days` rows up to and including the current one of a daily spine
    partitioned by tracked account (one row per day, so rows = days). -#}
{% macro trailing_sum(expr, days) -%}
    sum(coalesce({{ expr }}, 0)) over (
        partition by spine.platform, spine.account_id
        order by spine.day_number
        rows between {{ days - 1 }} preceding and current row
    )
{%- endmacro %}
