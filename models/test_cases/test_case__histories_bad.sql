-- Broken histories, one problem per entity: 1 overlapping ranges, 2 an open
-- range followed by another, 3 from after to, 4 a zero-length range, 5 a gap,
-- 6 contiguous ranges (valid, unless gaps are required).
with histories as (
    select
        histories.entity_id,
        histories.valid_from,
        histories.valid_to
    from (
        values
        (1, cast('2024-01-01' as date), cast('2024-02-15' as date)),
        (1, cast('2024-02-01' as date), cast('2024-03-01' as date)),
        (2, cast('2024-01-01' as date), cast(null as date)),
        (2, cast('2024-02-01' as date), cast(null as date)),
        (3, cast('2024-03-01' as date), cast('2024-02-01' as date)),
        (4, cast('2024-01-01' as date), cast('2024-01-01' as date)),
        (5, cast('2024-01-01' as date), cast('2024-02-01' as date)),
        (5, cast('2024-03-01' as date), cast(null as date)),
        (6, cast('2024-01-01' as date), cast('2024-02-01' as date)),
        (6, cast('2024-02-01' as date), cast(null as date))
    ) as histories (entity_id, valid_from, valid_to)
),

final as (
    select * from histories
)

select * from final
