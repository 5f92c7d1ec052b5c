-- The audit verdict on every (tracked account, follower) pair: profile score, behaviour
-- (bought: arrived in a suspected purchase burst with a suspicious or brand-new profile or
-- silent, never conversing with the account nor followed back by it; or one of a batch of
-- accounts created together just before following; follow-for-follow churn; lockstep), HypeAuditor's
-- audience classes, and the reasons behind it. Published as marts.fct_follower_authenticity.
-- Class precedence: bought > follow_churner > suspicious > influencer > mass_follower > ghost
-- > real. Behavioural evidence caps the authenticity score at var('behaviour_score_cap').
-- A follower without a known profile (int_account_profiles.is_profile_known) whom no behaviour
-- convicts is unknown: no class (null), no authenticity or profile score (null), never `real`.
-- The profile model's intercept is a prior, not evidence: it flags no unknown profile.
{#- Behaviour first, then the profile evidence: (condition on `flags`, reason text). -#}
{%- set reason_parts = [
    ("is_bought and bought_in_burst_at is not null",
        "'arrived in a suspected purchase burst on ' || cast(cast(bought_in_burst_at as date) as "
        ~ dbt.type_string() ~ ") || ' (' || purchase_evidence || ')'"),
    ("is_batch_created and bought_in_burst_at is null",
        "'one of a batch of accounts created together just before following'"),
    ("quick_unfollows > 0 and has_churn_evidence and not is_bought",
        "'unfollowed after ' || cast(round(shortest_hours / 24.0, 1) as " ~ dbt.type_string()
        ~ ") || ' days without a follow-back'"),
    ("other_accounts_churned > 0",
        "'churned ' || cast(other_accounts_churned as " ~ dbt.type_string()
        ~ ") || ' other tracked accounts within " ~ var('churn_max_days') ~ " days'"),
    ("is_pending_churn and not is_bought",
        "'mass-follows (' || " ~ format_count('following_count')
        ~ " || ' accounts), followed on ' || cast(cast(last_observed_follow_at as date) as "
        ~ dbt.type_string() ~ ") || ' and not followed back'"),
    ("follow_cycles > 1",
        "cast(follow_cycles as " ~ dbt.type_string() ~ ") || ' follow/unfollow cycles'"),
    ("lockstep_group_id is not null", "'acts in lockstep (group ' || lockstep_group_id || ')'"),
    ("inauthentic_reasons is not null", "inauthentic_reasons"),
] %}
with

relationships as (
    select * from {{ ref('int_follower_relationships') }}
),

scores as (
    select * from {{ ref('int_follower_scores') }}
),

churn as (
    select * from {{ ref('int_follow_for_follow_evidence') }}
),

profiles as (
    select * from {{ ref('int_account_profiles') }}
),

tracked as (
    select * from {{ ref('stg_tracked_accounts') }}
),

bursts as (
    select * from {{ ref('int_follower_bursts') }}
    where is_purchase_suspected
),

-- the two follow-time signals the bought verdict reads, in one pass over the signals
follow_time_signals as (
    select
        platform,
        account_id,
        follower_id,
        max(case when signal = 'new_account' then 1 else 0 end) = 1 as is_new_account,
        max(case when signal = 'creation_cluster' then 1 else 0 end) = 1 as is_batch_created
    from {{ ref('int_follower_signals') }}
    where signal in ('new_account', 'creation_cluster')
    group by platform, account_id, follower_id
),

lockstep as (
    select
        platform,
        actor_id,
        min(group_id) as group_id
    from {{ ref('int_lockstep_members') }}
    group by platform, actor_id
),

burst_arrivals as (
    select
        new_follows.platform,
        new_follows.account_id,
        new_follows.follower_id,
        min(bursts.burst_start) as burst_start,
        min(bursts.followers_gained) as burst_followers,
        min(bursts.purchase_evidence) as purchase_evidence,
        max(
            case
                when new_follows.first_conversed_day is null and not new_follows.is_followed_back
                    then 1
                else 0
            end
        ) = 1 as is_silent
    from {{ ref('int_new_follow_evidence') }} as new_follows
    inner join bursts
        on
            new_follows.platform = bursts.platform
            and new_follows.account_id = bursts.account_id
            and new_follows.followed_at between bursts.burst_start and bursts.burst_end
    group by new_follows.platform, new_follows.account_id, new_follows.follower_id
),

flags as (
    select
        relationships.*,
        coalesce(profiles.is_profile_known, false) as is_profile_known,
        case when profiles.is_profile_known then scores.profile_score end as profile_score,
        coalesce(profiles.is_profile_known, false) and scores.is_profile_suspicious
            as is_profile_suspicious,
        scores.inauthentic_reasons,
        scores.authentic_reasons,
        burst_arrivals.burst_start as bought_in_burst_at,
        burst_arrivals.burst_followers,
        burst_arrivals.purchase_evidence,
        (
            burst_arrivals.follower_id is not null
            and (
                (coalesce(profiles.is_profile_known, false) and scores.is_profile_suspicious)
                or coalesce(follow_time.is_new_account, false)
                -- a silent member whose follow-for-follow churn was seen is a churner; one that
                -- only mass-follows (churn pending) is bought: the purchase is the evidence
                or (burst_arrivals.is_silent and not churn.is_churn_pattern)
            )
        )
        or coalesce(follow_time.is_batch_created, false) as is_bought,
        coalesce(follow_time.is_batch_created, false) as is_batch_created,
        churn.is_churn_pattern or churn.is_pending_churn as has_churn_evidence,
        churn.is_pending_churn,
        churn.quick_unfollows,
        churn.following_count,
        churn.shortest_hours,
        churn.other_accounts_churned,
        churn.follow_cycles,
        lockstep.group_id as lockstep_group_id,
        relationships.first_engaged_day is null as is_ghost,
        coalesce(profiles.lang != tracked.home_lang, false) as is_off_market,
        coalesce(
            profiles.followers_count > {{ var('influencer_min_followers') }}
            and profiles.following_count < {{ var('mass_following_min') }},
            false
        ) as is_influencer,
        coalesce(profiles.following_count > {{ var('mass_following_min') }}, false)
            as is_mass_follower
    from relationships
    inner join scores
        on
            relationships.platform = scores.platform
            and relationships.account_id = scores.account_id
            and relationships.follower_id = scores.follower_id
    inner join churn
        on
            relationships.platform = churn.platform
            and relationships.account_id = churn.account_id
            and relationships.follower_id = churn.follower_id
    left join burst_arrivals
        on
            relationships.platform = burst_arrivals.platform
            and relationships.account_id = burst_arrivals.account_id
            and relationships.follower_id = burst_arrivals.follower_id
    left join follow_time_signals as follow_time
        on
            relationships.platform = follow_time.platform
            and relationships.account_id = follow_time.account_id
            and relationships.follower_id = follow_time.follower_id
    left join lockstep
        on
            relationships.platform = lockstep.platform
            and relationships.follower_id = lockstep.actor_id
    left join profiles
        on
            relationships.platform = profiles.platform
            and relationships.follower_id = profiles.account_id
    left join tracked
        on
            relationships.platform = tracked.platform
            and relationships.account_id = tracked.account_id
),

churners as (
    select
        *,
        has_churn_evidence and not is_bought as is_follow_churner
    from flags
),

-- one pass over flags (DuckDB may hold a CTE read several times in memory). The ghost flag
-- reads first_engaged_day from int_follower_relationships: joining these wide rows with every
-- (account, engager) pair ran out of the 4GB memory_limit at 2x the M benchmark (5.6 million
-- followers; docs/benchmarks.md)
classified as (
    select
        *,
        is_profile_suspicious
        or is_bought
        or is_follow_churner
        or lockstep_group_id is not null as is_suspicious,
        nullif(concat_ws(
            '; ',
            {%- for condition, reason in reason_parts %}
                case when {{ condition }} then {{ reason }} end{{ ',' if not loop.last }}
            {%- endfor %}
        ), '') as suspicion_reasons
    from churners
),

final as (
    select
        platform,
        account_id,
        follower_id,
        first_followed_at,
        last_unfollowed_at,
        is_current_follower,
        case
            when is_bought or is_follow_churner or lockstep_group_id is not null
                then least(
                    coalesce(profile_score, {{ var('behaviour_score_cap') }}),
                    {{ var('behaviour_score_cap') }}
                )
            else profile_score
        end as authenticity_score,
        is_suspicious,
        case
            when is_bought then 'bought'
            when is_follow_churner then 'follow_churner'
            when is_suspicious then 'suspicious'
            when not is_profile_known then null
            when is_influencer then 'influencer'
            when is_mass_follower then 'mass_follower'
            when is_ghost then 'ghost'
            else 'real'
        end as audience_class,
        is_bought,
        is_follow_churner,
        lockstep_group_id is not null as is_lockstep,
        is_ghost,
        is_off_market,
        is_profile_known,
        coalesce(
            case
                when is_suspicious then suspicion_reasons
                when not is_profile_known then 'profile unknown: no profile of this follower observed'
                else authentic_reasons
            end,
            ''
        ) as reasons,
        profile_score,
        is_profile_suspicious,
        first_day,
        spell_count,
        is_followed_back
    from classified
)

select * from final
