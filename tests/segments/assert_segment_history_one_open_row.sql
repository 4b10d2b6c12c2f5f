-- The history keeps exactly one open row (valid_to is null) per person and
-- segment still evaluated, and no open row for a pair the latest run did not see.
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

latest_membership as (
    select
        membership.person_id,
        membership.segment_id
    from membership
    inner join latest_date
        on membership.as_of_date = latest_date.as_of_date
),

open_rows as (
    select
        person_id,
        segment_id,
        count(*) as n_open
    from history
    where valid_to is null
    group by person_id, segment_id
),

problems as (
    select
        coalesce(latest_membership.person_id, open_rows.person_id) as person_id,
        coalesce(latest_membership.segment_id, open_rows.segment_id) as segment_id,
        coalesce(open_rows.n_open, 0) as n_open
    from latest_membership
    full outer join open_rows
        on
            latest_membership.person_id = open_rows.person_id
            and latest_membership.segment_id = open_rows.segment_id
    where
        (coalesce(open_rows.n_open, 0) != 1 or latest_membership.person_id is null)
        -- an out-of-order run (older than the history) leaves the history as it was
        and (select latest_date.as_of_date from latest_date)
        >= (select max(coalesce(history.valid_to, history.valid_from)) from history)
)

select * from problems
