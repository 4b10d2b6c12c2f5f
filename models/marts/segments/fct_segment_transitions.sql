{#- Entries into and exits from a segment, derived from the history: a person
    enters when an `in` period starts that does not continue an `in` period,
    and exits when an `in` period ends without an `in` period right after it.
    A version change while staying `in` is not a transition.

    The period right before another is the one of the same pair whose
    valid_to is its valid_from (periods of a pair do not overlap and
    valid_to > valid_from, both tested on the history), so neighbours are
    found by equality joins rather than by windows over every period: at
    1,000,000 persons the windows over 60 million rows ran out of memory. -#}

-- read three times: inlined (a scan of the history), not a copy
with history as {{ inlined_cte() }} (
    select
        person_id,
        segment_id,
        segment_version,
        status,
        valid_from,
        valid_to
    from {{ ref('fct_segment_membership_history') }}
),

in_periods as {{ inlined_cte() }} (
    select * from history
    where status = 'in'
),

-- only a period that has ended can be right before another
ended_periods as (
    select * from history
    where valid_to is not null
),

-- `absent` when no period touches the start (first evaluation, or a gap)
entries as (
    select
        in_periods.person_id,
        in_periods.segment_id,
        in_periods.segment_version,
        in_periods.valid_from as transition_date,
        'entered' as transition,
        coalesce(periods_before.status, 'absent') as from_status,
        in_periods.status as to_status
    from in_periods
    left join ended_periods as periods_before
        on
            in_periods.person_id = periods_before.person_id
            and in_periods.segment_id = periods_before.segment_id
            and in_periods.valid_from = periods_before.valid_to
    where coalesce(periods_before.status, 'absent') != 'in'
),

ended_in_periods as (
    select * from in_periods
    where valid_to is not null
),

-- `absent` when no period starts where this one ends (erased, retired, a gap)
exits as (
    select
        ended_in_periods.person_id,
        ended_in_periods.segment_id,
        ended_in_periods.segment_version,
        ended_in_periods.valid_to as transition_date,
        'exited' as transition,
        ended_in_periods.status as from_status,
        coalesce(periods_after.status, 'absent') as to_status
    from ended_in_periods
    left join history as periods_after
        on
            ended_in_periods.person_id = periods_after.person_id
            and ended_in_periods.segment_id = periods_after.segment_id
            and ended_in_periods.valid_to = periods_after.valid_from
    where coalesce(periods_after.status, 'absent') != 'in'
),

final as (
    select * from entries
    union all
    select * from exits
)

select * from final
