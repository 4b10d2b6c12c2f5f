-- Wrong standing versions for test_case__versions, one problem per key: `a`
-- an older version, `b` the invalid version, `c` a version not yet known,
-- `d` missing, `e` a key with no valid version, `f` a key never delivered.
with standing as (
    select
        standing.entity_key,
        standing.updated_at
    from (
        values
        ('a', cast('2024-01-01 08:00:00' as timestamp)),
        ('b', cast('2024-01-03 08:00:00' as timestamp)),
        ('c', cast('2999-01-01 08:00:00' as timestamp)),
        ('e', cast('2024-01-06 08:00:00' as timestamp)),
        ('f', cast('2024-01-07 08:00:00' as timestamp))
    ) as standing (entity_key, updated_at)
),

final as (
    select * from standing
)

select * from final
