-- One row per tracked account and day (MARTS_CONTRACT.md): the composition of that day's
-- followers (following at the end of the day) by the audit's verdict on each of them, and
-- audience_quality_score = 100 x sum of class shares weighted by var('quality_weights').
-- A follower whose class is `real` counts as a ghost on the days before their first
-- engagement, the same rule as `fct_engagement_daily.ghost_followers`. Each class becomes day
-- intervals counted with macros/intervals.sql: no day x follower join.
-- Unknown followers (no known profile, no behaviour convicts them: audience_class null) are
-- `unknown`, never real or ghosts; the score is over the followers the audit could judge. On a
-- day when no follower's profile is known, the classes that need a profile (real, influencer,
-- mass follower, ghost) and the score are null: unknown, not 0.
{%- set classes = ['real', 'influencer', 'mass_follower', 'suspicious', 'bought', 'follow_churner', 'ghost'] %}
{%- set counts = classes + [
    'unknown', 'profile_known', 'followers', 'off_market', 'suspicious_any', 'estimated_bought'
] %}
with

spine as (
    select * from {{ ref('int_tracked_account_days') }}
),

verdicts as (
    select * from {{ ref('int_follower_verdicts') }}
),

first_engagements as (
    select
        platform,
        account_id,
        engager_id,
        min(day_number) as first_engaged_day
    from {{ ref('int_engager_daily') }}
    group by platform, account_id, engager_id
),

spells as (
    select
        spells.platform,
        spells.account_id,
        spells.first_day,
        spells.last_day,
        verdicts.audience_class,
        verdicts.is_off_market,
        verdicts.is_suspicious,
        verdicts.is_bought,
        verdicts.is_profile_known,
        coalesce(first_engagements.first_engaged_day, 2147483647) as first_engaged_day
    from {{ ref('int_follower_spells') }} as spells
    inner join verdicts
        on
            spells.platform = verdicts.platform
            and spells.account_id = verdicts.account_id
            and spells.follower_id = verdicts.follower_id
    left join first_engagements
        on
            spells.platform = first_engagements.platform
            and spells.account_id = first_engagements.account_id
            and spells.follower_id = first_engagements.engager_id
),

class_intervals as (
    select
        platform,
        account_id,
        case
            when audience_class = 'real' and first_day < first_engaged_day then 'ghost'
            else coalesce(audience_class, 'unknown')
        end as category,
        first_day as start_day,
        case
            when audience_class = 'real' and first_day < first_engaged_day
                then least(last_day, first_engaged_day - 1)
            else last_day
        end as end_day
    from spells
    union all
    select
        platform,
        account_id,
        'real' as category,
        first_engaged_day as start_day,
        last_day as end_day
    from spells
    where audience_class = 'real' and first_day < first_engaged_day and first_engaged_day <= last_day
    union all
    select
        platform,
        account_id,
        'followers' as category,
        first_day as start_day,
        last_day as end_day
    from spells
    union all
    select
        platform,
        account_id,
        'off_market' as category,
        first_day as start_day,
        last_day as end_day
    from spells
    where is_off_market
    union all
    select
        platform,
        account_id,
        'profile_known' as category,
        first_day as start_day,
        last_day as end_day
    from spells
    where is_profile_known
    union all
    select
        platform,
        account_id,
        'suspicious_any' as category,
        first_day as start_day,
        last_day as end_day
    from spells
    where is_suspicious
    union all
    select
        platform,
        account_id,
        'estimated_bought' as category,
        first_day as start_day,
        last_day as end_day
    from spells
    where is_bought
),

{% for category in counts %}
    {{ category }}_intervals as (
        select
            platform,
            account_id,
            start_day,
            end_day
        from class_intervals
        where category = '{{ category }}'
    ),

    {{ category }}_counts as (
        {{ count_open_intervals(category ~ '_intervals', 'spine') }}
    ),
{% endfor %}

counted as (
    select
        spine.platform,
        spine.account_id,
        spine.date_day as date,
        {% for category in counts %}
            cast({{ category }}_counts.open_intervals as {{ dbt.type_bigint() }}) as {{ category }}
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from spine
    {% for category in counts %}
        inner join {{ category }}_counts
            on
                spine.platform = {{ category }}_counts.platform
                and spine.account_id = {{ category }}_counts.account_id
                and spine.day_number = {{ category }}_counts.day_number
    {% endfor %}
),

judged as (
    select
        *,
        unknown > 0 and profile_known = 0 as is_no_profile_known
    from counted
),

final as (
    select
        platform,
        account_id,
        date,
        followers,
        case
            when not is_no_profile_known then real * 1.0 / nullif(followers, 0)
        end as real_share,
        suspicious_any * 1.0 / nullif(followers, 0) as suspicious_share,
        case
            when not is_no_profile_known then mass_follower * 1.0 / nullif(followers, 0)
        end as mass_follower_share,
        case
            when not is_no_profile_known then influencer * 1.0 / nullif(followers, 0)
        end as influencer_share,
        case
            when not is_no_profile_known then ghost * 1.0 / nullif(followers, 0)
        end as ghost_share,
        off_market * 1.0 / nullif(followers, 0) as off_market_share,
        estimated_bought as estimated_bought_followers,
        case
            when not is_no_profile_known
                then
                    100.0 * (
                        {% for class in classes %}
                            {{ var('quality_weights')[class] }} * {{ class }}
                            {%- if not loop.last %} +{% endif %}
                        {% endfor %}
                    ) / nullif(followers - unknown, 0)
        end as audience_quality_score,
        bought * 1.0 / nullif(followers, 0) as bought_share,
        follow_churner * 1.0 / nullif(followers, 0) as follow_churner_share,
        suspicious * 1.0 / nullif(followers, 0) as suspicious_class_share,
        unknown * 1.0 / nullif(followers, 0) as unknown_share,
        profile_known * 1.0 / nullif(followers, 0) as profile_known_share
    from judged
)

select * from final
