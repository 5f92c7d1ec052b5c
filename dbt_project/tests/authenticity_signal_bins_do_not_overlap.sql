-- Two bins of one field never cover the same value, so a known value fires at most one bin
-- (and int_follower_signals keeps one row per signal).
with

bins as (
    select * from {{ ref('authenticity_signal_bins') }}
)

select
    a.field,
    a.signal as signal_a,
    b.signal as signal_b
from bins as a
inner join bins as b
    on
        a.field = b.field
        and a.signal < b.signal
        and (a.lower_bound is null or b.upper_bound is null or a.lower_bound < b.upper_bound)
        and (b.lower_bound is null or a.upper_bound is null or b.lower_bound < a.upper_bound)
