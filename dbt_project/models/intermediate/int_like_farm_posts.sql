-- Posts of tracked accounts that received coordinated bought engagement (like farms), read by
-- `fct_post_engagement.is_like_farm_target`. Lockstep detection (issue 4) fills it; until then
-- it is empty.
select
    cast(null as {{ dbt.type_string() }}) as platform,
    cast(null as {{ dbt.type_string() }}) as post_id
where 1 = 0
