{{
    config(
        materialized=incremental_or_table(),
        unique_key=['person_id', 'segment_id', 'valid_from'],
        incremental_strategy=segment_incremental_strategy(),
        on_schema_change='fail',
    )
}}

{#- One row per period during which a person had the same status (and rule
    version) in a segment: valid_from is the first as_of_date of the period,
    valid_to the first as_of_date at which it no longer held (NULL while
    current). Each run merges the membership of its dates, in date order,
    into the open rows; dates before the latest change already recorded are
    ignored (see the model description). Persons erased since are removed by
    the post-hook of fct_segment_summary, once the summary has counted their
    last movements, so that a replay counts exactly what daily runs counted. -#}

-- read twice: inlined, not a copy of every membership row
with membership as {{ inlined_cte() }} (
    select * from {{ ref('fct_segment_membership') }}
),

-- the history before this run (none on a first or full-refresh build);
-- read twice: inlined (a scan of the table), not a copy
previous_history as {{ inlined_cte() }} (
    {%- if is_incremental() %}
        select
            person_id,
            segment_id,
            segment_version,
            status,
            valid_from,
            valid_to
        from {{ this }}
    {%- else %}
        select
            person_id,
            segment_id,
            segment_version,
            status,
            as_of_date as valid_from,
            as_of_date as valid_to
        from membership
        where false
    {%- endif %}
),

-- read several times: inlined (a scan of the open rows), not a copy
open_rows as {{ inlined_cte() }} (
    select
        person_id,
        segment_id,
        segment_version,
        status,
        valid_from
    from previous_history
    where valid_to is null
),

watermark as (
    -- the latest date at which anything changed: earlier run dates are history
    select coalesce(max(coalesce(valid_to, valid_from)), cast('1900-01-01' as date)) as changed_through_date
    from previous_history
),

-- read three times: inlined (a scan of the run's dates), not a copy
run_membership as {{ inlined_cte() }} (
    select
        membership.person_id,
        membership.segment_id,
        membership.segment_version,
        membership.status,
        membership.as_of_date
    from membership
    where membership.as_of_date >= (select watermark.changed_through_date from watermark)
),

run_dates as (
    select distinct as_of_date from run_membership
),

-- One run date onto a history without open rows (a full build, a first run):
-- every membership row starts an open period, written directly. Sequencing
-- 60 million states for that ran out of memory with 5GB at 1,000,000 persons.
run_shape as (
    select
        (select count(*) from open_rows) = 0
        and (select count(*) from run_dates) = 1 as is_first_single_date
),

first_periods as (
    select
        run_membership.person_id,
        run_membership.segment_id,
        run_membership.segment_version,
        run_membership.status,
        run_membership.as_of_date as valid_from,
        cast(null as date) as valid_to
    from run_membership
    cross join run_shape
    where run_shape.is_first_single_date
),

-- every other run goes through the sequencing below
sequenced_membership as {{ inlined_cte() }} (
    select run_membership.*
    from run_membership
    cross join run_shape
    where not run_shape.is_first_single_date
),

-- A pair keeps its open row, untouched, when it is present on every run
-- date with the open row's status and version. Only the other pairs are
-- sequenced: a daily run changes few of them, and sequencing all 60 million
-- at 1,000,000 persons ran out of memory. The states are grouped by a
-- 64-bit hash of the pair and compared by a hash of pair, status and version
-- (with the strings, that aggregate spilled 10 GB at 1,000,000 persons; now
-- 4 GB, in half the time). Pairs sharing a pair hash differ in the state
-- hash, so they are sequenced, which is exact; a changed state is missed
-- only if two state hashes collide (odds about 1 in 10^19 per change).
pair_states as (
    select
        hash(person_id, segment_id) as pair_hash,
        hash(segment_id, person_id, status, coalesce(segment_version, -1)) as state_hash,
        1 as is_open_row,
        0 as is_run_state
    from open_rows
    union all
    select
        hash(person_id, segment_id) as pair_hash,
        hash(segment_id, person_id, status, coalesce(segment_version, -1)) as state_hash,
        0 as is_open_row,
        1 as is_run_state
    from sequenced_membership
),

changed_pair_hashes as (
    select pair_hash
    from pair_states
    group by pair_hash
    having not (
        sum(is_open_row) = 1
        and sum(is_run_state) = (select count(*) from run_dates)
        and min(state_hash) = max(state_hash)
    )
),

changed_pairs as (
    select distinct
        candidate_pairs.person_id,
        candidate_pairs.segment_id
    from (
        select
            person_id,
            segment_id
        from open_rows
        union all
        select
            person_id,
            segment_id
        from sequenced_membership
    ) as candidate_pairs
    where hash(candidate_pairs.person_id, candidate_pairs.segment_id) in (
        select changed_pair_hashes.pair_hash from changed_pair_hashes
    )
),

changed_run_membership as (
    select sequenced_membership.*
    from sequenced_membership
    inner join changed_pairs
        on
            sequenced_membership.person_id = changed_pairs.person_id
            and sequenced_membership.segment_id = changed_pairs.segment_id
),

changed_open_rows as (
    select open_rows.*
    from open_rows
    inner join changed_pairs
        on
            open_rows.person_id = changed_pairs.person_id
            and open_rows.segment_id = changed_pairs.segment_id
),

-- every changed (person, segment) on every run date; a pair missing on a
-- date is `absent` (person erased, segment retired)
observed as (
    select
        changed_pairs.person_id,
        changed_pairs.segment_id,
        changed_run_membership.segment_version,
        coalesce(changed_run_membership.status, 'absent') as status,
        run_dates.as_of_date as state_date,
        1 as is_run_state
    from changed_pairs
    cross join run_dates
    left join changed_run_membership
        on
            changed_pairs.person_id = changed_run_membership.person_id
            and changed_pairs.segment_id = changed_run_membership.segment_id
            and run_dates.as_of_date = changed_run_membership.as_of_date
    union all
    select
        person_id,
        segment_id,
        segment_version,
        status,
        valid_from as state_date,
        0 as is_run_state
    from changed_open_rows
),

sequenced as (
    select
        observed.*,
        lag(observed.status) over (
            partition by observed.person_id, observed.segment_id
            order by observed.state_date, observed.is_run_state
        ) as previous_status,
        lag(observed.segment_version) over (
            partition by observed.person_id, observed.segment_id
            order by observed.state_date, observed.is_run_state
        ) as previous_segment_version
    from observed
),

-- a run state starts a new period when status or version differs from the state before it
change_points as (
    select
        person_id,
        segment_id,
        segment_version,
        status,
        state_date
    from sequenced
    where
        is_run_state = 1
        and (
            previous_status is null
            or status != previous_status
            or coalesce(segment_version, -1) != coalesce(previous_segment_version, -1)
        )
),

periods as (
    select
        change_points.*,
        lead(change_points.state_date) over (
            partition by change_points.person_id, change_points.segment_id
            order by change_points.state_date
        ) as next_change_date
    from change_points
),

first_changes as (
    select
        person_id,
        segment_id,
        min(state_date) as first_change_date
    from change_points
    group by person_id, segment_id
),

-- open rows that this run closes (a change on their own start date replaces them instead)
closed_open_rows as (
    select
        changed_open_rows.person_id,
        changed_open_rows.segment_id,
        changed_open_rows.segment_version,
        changed_open_rows.status,
        changed_open_rows.valid_from,
        first_changes.first_change_date as valid_to
    from changed_open_rows
    inner join first_changes
        on
            changed_open_rows.person_id = first_changes.person_id
            and changed_open_rows.segment_id = first_changes.segment_id
    where first_changes.first_change_date > changed_open_rows.valid_from
),

new_periods as (
    select
        person_id,
        segment_id,
        segment_version,
        status,
        state_date as valid_from,
        next_change_date as valid_to
    from periods
    where status != 'absent'
),

-- the three kinds of rows share their columns, in the same order
periods_to_merge as (
    select * from closed_open_rows
    union all
    select * from new_periods
    union all
    select * from first_periods
),

final as (
    select
        person_id,
        segment_id,
        cast(segment_version as integer) as segment_version,
        status,
        valid_from,
        valid_to
    from periods_to_merge
)

select * from final
