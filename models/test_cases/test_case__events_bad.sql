-- Daily volume with a spike: 5 or 6 events a day from 2024-01-01 to
-- 2024-01-10, 30 on 2024-01-11 (the latest complete day), one on 2024-01-12.
with day_offsets as (
    select day_offsets.day_offset
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) as day_offsets (day_offset)
),

event_slots as (
    select event_slots.event_slot
    from (values (0), (1), (2), (3), (4), (5)) as event_slots (event_slot)
),

events as (
    select
        day_offsets.day_offset * 100 + event_slots.event_slot * 5 + spike_slots.spike_slot as event_id,
        {{ dbt.dateadd(
            'minute',
            '1440 * day_offsets.day_offset + 10 * event_slots.event_slot + spike_slots.spike_slot',
            "cast('2024-01-01 00:00:00' as timestamp)"
        ) }} as event_at
    from day_offsets
    cross join event_slots
    cross join (values (0), (1), (2), (3), (4)) as spike_slots (spike_slot)
    where
        case
            -- 30 events on the spike day: every slot and spike slot
            when day_offsets.day_offset = 10 then true
            when day_offsets.day_offset = 11 then event_slots.event_slot = 0 and spike_slots.spike_slot = 0
            else spike_slots.spike_slot = 0 and event_slots.event_slot < 5 + mod(day_offsets.day_offset, 2)
        end
),

final as (
    select * from events
)

select * from final
