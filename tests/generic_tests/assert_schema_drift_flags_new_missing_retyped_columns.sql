-- schema_drift must report, against the YAML of the drifted fixture, the new
-- extra_note, the missing closed_date and the retyped amount; against an
-- explicit list, the undocumented columns and a wrong documented type.
with drifted as (
    select * from (
        {{ test_schema_drift(model=ref('test_case__schema_drift_bad')) }}
    ) as failures
),

new_column as (
    select
        'new column' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from drifted
    where column_name = 'extra_note' and issue = 'new column'
),

missing_column as (
    select
        'missing column' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from drifted
    where column_name = 'closed_date' and issue = 'missing column'
),

retyped_column as (
    select
        'retyped column' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from drifted
    where column_name = 'amount' and issue = 'retyped column'
),

drifted_total as (
    select
        'findings against the YAML' as case_name,
        3 as n_expected,
        count(*) as n_observed
    from drifted
),

explicit_names as (
    select
        'explicit list of names' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_schema_drift(model=ref('test_case__schema_drift'), expected_columns=['record_id', 'record_label']) }}
    ) as failures
),

explicit_types as (
    select
        'explicit list with a wrong type' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_schema_drift(
            model=ref('test_case__schema_drift'),
            expected_columns=[
                {'name': 'record_id', 'data_type': 'bigint'},
                {'name': 'record_label', 'data_type': 'string'},
                {'name': 'amount', 'data_type': 'decimal'},
                {'name': 'created_date'}
            ]
        ) }}
    ) as failures
    where column_name = 'record_id'
),

types_ignored as (
    select
        'types not compared' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_schema_drift(model=ref('test_case__schema_drift_bad'), compare_types=false) }}
    ) as failures
),

checks as (
    select * from new_column
    union all
    select * from missing_column
    union all
    select * from retyped_column
    union all
    select * from drifted_total
    union all
    select * from explicit_names
    union all
    select * from explicit_types
    union all
    select * from types_ignored
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
