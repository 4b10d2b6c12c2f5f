-- Delivered versions of five keys, as a base model holds them: `a` twice
-- (the later updated_at is the latest), `b` valid then invalid (the invalid
-- one never wins), `c` loaded after any as_of_date (not yet known), `d` once,
-- `e` only invalid (no version stands).
with versions as (
    select
        versions.entity_key,
        versions.updated_at,
        versions.is_valid,
        versions._loaded_at
    from (
        values
        ('a', cast('2024-01-01 08:00:00' as timestamp), true, cast('2024-01-01 09:00:00' as timestamp)),
        ('a', cast('2024-01-02 08:00:00' as timestamp), true, cast('2024-01-02 09:00:00' as timestamp)),
        ('b', cast('2024-01-01 08:00:00' as timestamp), true, cast('2024-01-01 09:00:00' as timestamp)),
        ('b', cast('2024-01-03 08:00:00' as timestamp), false, cast('2024-01-03 09:00:00' as timestamp)),
        ('c', cast('2999-01-01 08:00:00' as timestamp), true, cast('2999-01-01 09:00:00' as timestamp)),
        ('d', cast('2024-01-05 08:00:00' as timestamp), true, cast('2024-01-05 09:00:00' as timestamp)),
        ('e', cast('2024-01-06 08:00:00' as timestamp), false, cast('2024-01-06 09:00:00' as timestamp))
    ) as versions (entity_key, updated_at, is_valid, _loaded_at)
),

final as (
    select * from versions
)

select * from final
