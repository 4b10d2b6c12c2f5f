-- Numbers that break the rules on purpose: scores out of range (-1, 11), on
-- the bounds (0, 10), the key (2, 'a') twice, a NULL score, an all-NULL column.
with numbers as (
    select
        numbers.number_id,
        numbers.category,
        numbers.score,
        numbers.empty_score
    from (
        values
        (1, 'a', cast(-1 as decimal(18, 4)), cast(null as decimal(18, 4))),
        (2, 'a', cast(11 as decimal(18, 4)), cast(null as decimal(18, 4))),
        (2, 'a', cast(5 as decimal(18, 4)), cast(null as decimal(18, 4))),
        (3, 'b', cast(0 as decimal(18, 4)), cast(null as decimal(18, 4))),
        (4, 'b', cast(10 as decimal(18, 4)), cast(null as decimal(18, 4))),
        (5, 'b', cast(null as decimal(18, 4)), cast(null as decimal(18, 4)))
    ) as numbers (number_id, category, score, empty_score)
),

final as (
    select * from numbers
)

select * from final
