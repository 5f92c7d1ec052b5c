-- Accounts whose engagement does not count as authentic, with the reason. The engagement marts
-- read only this model for `authentic_engagements` and `suspicious_engager_share`; the
-- authenticity models (issue 4) fill it. Until then no account is flagged.
select
    cast(null as {{ dbt.type_string() }}) as platform,
    cast(null as {{ dbt.type_string() }}) as account_id,
    cast(null as {{ dbt.type_string() }}) as reason
where 1 = 0
