-- Well-behaved numbers: every generic test applied to this model must pass.
with numbers as (
    select
        numbers.number_id,
        numbers.category,
        numbers.score
    from (
        values
        (1, 'a', cast(0 as decimal(18, 4))),
        (2, 'a', cast(2.5 as decimal(18, 4))),
        (3, 'b', cast(10 as decimal(18, 4))),
        (4, 'b', cast(null as decimal(18, 4))),
        (5, 'b', cast(7 as decimal(18, 4)))
    ) as numbers (number_id, category, score)
),

final as (
    select * from numbers
)

select * from final
