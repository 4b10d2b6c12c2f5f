-- The periods of one (person, segment) do not overlap and only the latest is
-- open: fct_segment_transitions finds the period right before or after
-- another by valid_to = valid_from, which is exact only then. A pair with a
-- single period cannot overlap itself, so only pairs with several periods
-- are ordered (a window over every pair would not fit in memory at
-- 1,000,000 persons). They are found by a count per 64-bit hash of the pair,
-- not per pair of strings: a collision only brings a pair of one period into
-- the window, where it cannot be flagged.
-- read twice (counts, periods): inlined, not a copy of the history
with history as {{ inlined_cte() }} (
    select
        person_id,
        segment_id,
        valid_from,
        valid_to
    from {{ ref('fct_segment_membership_history') }}
),

pair_hashes_with_several_periods as (
    select hash(person_id, segment_id) as pair_hash
    from history
    group by hash(person_id, segment_id)
    having count(*) > 1
),

several_periods as (
    select *
    from history
    where hash(person_id, segment_id) in (
        select pair_hashes_with_several_periods.pair_hash from pair_hashes_with_several_periods
    )
),

ordered as (
    select
        several_periods.*,
        lead(several_periods.valid_from) over (
            partition by several_periods.person_id, several_periods.segment_id
            order by several_periods.valid_from
        ) as next_valid_from
    from several_periods
),

overlapping_periods as (
    select * from ordered
    where
        next_valid_from is not null
        and (valid_to is null or valid_to > next_valid_from)
)

select * from overlapping_periods
