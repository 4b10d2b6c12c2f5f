{#- Entries into and exits from a segment, derived from the history: a person
    enters when an `in` period starts that does not continue an `in` period,
    and exits when an `in` period ends without an `in` period right after it.
    A version change while staying `in` is not a transition. -#}

with history as (
    select * from {{ ref('fct_segment_membership_history') }}
),

neighbours as (
    select
        history.*,
        lag(history.status) over (
            partition by history.person_id, history.segment_id order by history.valid_from
        ) as previous_status,
        lag(history.valid_to) over (
            partition by history.person_id, history.segment_id order by history.valid_from
        ) as previous_valid_to,
        lead(history.status) over (
            partition by history.person_id, history.segment_id order by history.valid_from
        ) as next_status,
        lead(history.valid_from) over (
            partition by history.person_id, history.segment_id order by history.valid_from
        ) as next_valid_from
    from history
),

-- the status just before a period starts and just after it ends (`absent` across a gap)
bounded as (
    select
        neighbours.*,
        case
            when neighbours.previous_valid_to = neighbours.valid_from then neighbours.previous_status
            else 'absent'
        end as status_before,
        case
            when neighbours.next_valid_from = neighbours.valid_to then neighbours.next_status
            else 'absent'
        end as status_after
    from neighbours
),

entries as (
    select
        person_id,
        segment_id,
        segment_version,
        valid_from as transition_date,
        'entered' as transition,
        status_before as from_status,
        status as to_status
    from bounded
    where status = 'in' and status_before != 'in'
),

exits as (
    select
        person_id,
        segment_id,
        segment_version,
        valid_to as transition_date,
        'exited' as transition,
        status as from_status,
        status_after as to_status
    from bounded
    where status = 'in' and valid_to is not null and status_after != 'in'
),

final as (
    select * from entries
    union all
    select * from exits
)

select * from final
