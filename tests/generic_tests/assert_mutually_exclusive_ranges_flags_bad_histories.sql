-- mutually_exclusive_ranges must flag, per entity of the bad fixture: the
-- overlap (1), the open range followed by another (2), from after to (3), the
-- zero-length range (4); the gap (5) only when gaps are not allowed; the
-- contiguous ranges (6) only when gaps are required.
with gaps_allowed as (
    select * from (
        {{ test_mutually_exclusive_ranges(
            model=ref('test_case__histories_bad'), lower_bound_column='valid_from',
            upper_bound_column='valid_to', partition_by='entity_id'
        ) }}
    ) as failures
),

gaps_not_allowed as (
    select * from (
        {{ test_mutually_exclusive_ranges(
            model=ref('test_case__histories_bad'), lower_bound_column='valid_from',
            upper_bound_column='valid_to', partition_by=['entity_id'], gaps='not_allowed'
        ) }}
    ) as failures
),

gaps_required as (
    select * from (
        {{ test_mutually_exclusive_ranges(
            model=ref('test_case__histories_bad'), lower_bound_column='valid_from',
            upper_bound_column='valid_to', partition_by=['entity_id'], gaps='required'
        ) }}
    ) as failures
),

zero_length_allowed as (
    select
        'zero-length ranges allowed' as case_name,
        3 as n_expected,
        count(*) as n_observed
    from (
        {{ test_mutually_exclusive_ranges(
            model=ref('test_case__histories_bad'), lower_bound_column='valid_from',
            upper_bound_column='valid_to', partition_by=['entity_id'], zero_length_range_allowed=true
        ) }}
    ) as failures
),

allowed_entities as (
    select
        'gaps allowed: entities 1 to 4' as case_name,
        4 as n_expected,
        count(distinct entity_id) as n_observed
    from gaps_allowed
    where entity_id between 1 and 4
),

allowed_total as (
    select
        'gaps allowed: offending rows' as case_name,
        4 as n_expected,
        count(*) as n_observed
    from gaps_allowed
),

not_allowed_gap as (
    select
        'gaps not allowed: the gap of entity 5' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from gaps_not_allowed
    where entity_id = 5 and violation = 'gap before the next range'
),

not_allowed_total as (
    select
        'gaps not allowed: offending rows' as case_name,
        5 as n_expected,
        count(*) as n_observed
    from gaps_not_allowed
),

required_contiguous as (
    select
        'gaps required: the contiguous ranges of entity 6' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from gaps_required
    where entity_id = 6 and violation = 'no gap before the next range'
),

required_total as (
    select
        'gaps required: offending rows' as case_name,
        5 as n_expected,
        count(*) as n_observed
    from gaps_required
),

checks as (
    select * from zero_length_allowed
    union all
    select * from allowed_entities
    union all
    select * from allowed_total
    union all
    select * from not_allowed_gap
    union all
    select * from not_allowed_total
    union all
    select * from required_contiguous
    union all
    select * from required_total
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
