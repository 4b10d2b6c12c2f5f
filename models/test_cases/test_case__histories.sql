-- Valid histories: entity 1 contiguous and open at the end, entity 2 with a
-- gap between its ranges.
with histories as (
    select
        histories.entity_id,
        histories.valid_from,
        histories.valid_to
    from (
        values
        (1, cast('2024-01-01' as date), cast('2024-02-01' as date)),
        (1, cast('2024-02-01' as date), cast('2024-03-01' as date)),
        (1, cast('2024-03-01' as date), cast(null as date)),
        (2, cast('2024-01-01' as date), cast('2024-01-15' as date)),
        (2, cast('2024-02-01' as date), cast(null as date))
    ) as histories (entity_id, valid_from, valid_to)
),

final as (
    select * from histories
)

select * from final
