-- Steady daily volume: 5 or 6 events a day from 2024-01-01 to 2024-01-11,
-- then one event on 2024-01-12, a day still loading.
with day_offsets as (
    select day_offsets.day_offset
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) as day_offsets (day_offset)
),

event_slots as (
    select event_slots.event_slot
    from (values (1), (2), (3), (4), (5), (6)) as event_slots (event_slot)
),

events as (
    select
        day_offsets.day_offset * 10 + event_slots.event_slot as event_id,
        {{ dbt.dateadd(
            'hour',
            '24 * day_offsets.day_offset + event_slots.event_slot',
            "cast('2024-01-01 00:00:00' as timestamp)"
        ) }} as event_at
    from day_offsets
    cross join event_slots
    where
        event_slots.event_slot <= case
            when day_offsets.day_offset = 11 then 1
            else 5 + mod(day_offsets.day_offset, 2)
        end
),

final as (
    select * from events
)

select * from final
