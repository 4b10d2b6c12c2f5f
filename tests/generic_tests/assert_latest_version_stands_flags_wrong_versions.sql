-- latest_version_stands must flag each of the six keys of
-- test_case__standing_versions_bad: an older version, an invalid version, a
-- version not yet known, a missing key, a key without a valid version and a
-- key never delivered.
with flagged as (
    select business_key
    from (
        {{ test_latest_version_stands(
            model=ref('test_case__standing_versions_bad'),
            base_model=ref('test_case__versions'),
            business_key='entity_key',
            version_column='updated_at'
        ) }}
    ) as failures
),

expected as (
    select expected.business_key
    from (values ('a'), ('b'), ('c'), ('d'), ('e'), ('f')) as expected (business_key)
),

final as (
    select
        coalesce(expected.business_key, flagged.business_key) as business_key,
        expected.business_key is not null as is_expected,
        flagged.business_key is not null as is_flagged
    from expected
    full outer join flagged
        on expected.business_key = flagged.business_key
    where expected.business_key is null or flagged.business_key is null
)

select * from final
