-- The versions that stand for test_case__versions: the latest valid version
-- known of each key (a, b, d), nothing for the unknown `c` and the invalid `e`.
with standing as (
    select
        standing.entity_key,
        standing.updated_at
    from (
        values
        ('a', cast('2024-01-02 08:00:00' as timestamp)),
        ('b', cast('2024-01-01 08:00:00' as timestamp)),
        ('d', cast('2024-01-05 08:00:00' as timestamp))
    ) as standing (entity_key, updated_at)
),

final as (
    select * from standing
)

select * from final
