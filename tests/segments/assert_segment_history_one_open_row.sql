-- The history keeps exactly one open row (valid_to is null) per person and
-- segment still evaluated, and no open row for a pair the latest run did not see.
-- The open rows and the latest run's pairs are counted together in one
-- aggregate keyed by a 64-bit hash of the pair: grouping and joining on the
-- two 32-character strings spilled more than 10 GB at 1,000,000 persons. A
-- group whose second hash varies holds more than one pair (a collision); such
-- groups, and the groups that break the rule, are counted again on the pair
-- itself, which is exact. A broken pair could only hide behind another pair
-- whose two hashes both collide with it.
-- read twice (open rows, latest change): inlined, not a copy of the history
with history as {{ inlined_cte() }} (
    select * from {{ ref('fct_segment_membership_history') }}
),

-- read twice (latest date, its pairs): inlined, not a copy of every row
membership as {{ inlined_cte() }} (
    select * from {{ ref('fct_segment_membership') }}
),

latest_date as (
    select max(as_of_date) as as_of_date from membership
),

-- read twice (hash count, exact recount): inlined, not a copy of every pair
pair_rows as {{ inlined_cte() }} (
    select
        membership.person_id,
        membership.segment_id,
        1 as n_latest,
        0 as n_open
    from membership
    inner join latest_date
        on membership.as_of_date = latest_date.as_of_date
    union all
    select
        person_id,
        segment_id,
        0 as n_latest,
        1 as n_open
    from history
    where valid_to is null
),

suspect_pair_hashes as (
    select hash(person_id, segment_id) as pair_hash
    from pair_rows
    group by hash(person_id, segment_id)
    having
        sum(n_open) != 1
        or sum(n_latest) = 0
        or min(hash(segment_id, person_id)) != max(hash(segment_id, person_id))
),

suspect_pairs as (
    select
        person_id,
        segment_id,
        sum(n_latest) as n_latest,
        sum(n_open) as n_open
    from pair_rows
    where hash(person_id, segment_id) in (select suspect_pair_hashes.pair_hash from suspect_pair_hashes)
    group by person_id, segment_id
),

problems as (
    select
        person_id,
        segment_id,
        n_open
    from suspect_pairs
    where
        (n_open != 1 or n_latest = 0)
        -- an out-of-order run (older than the history) leaves the history as it was
        and (select latest_date.as_of_date from latest_date)
        >= (select max(coalesce(history.valid_to, history.valid_from)) from history)
)

select * from problems
