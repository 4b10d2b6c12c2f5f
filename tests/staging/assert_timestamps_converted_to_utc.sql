-- Every delivered offset is converted to UTC: fixed cases through the parser,
-- and every booked_at delivered with a +hh:mm/-hh:mm offset recomputed by hand
-- from its local time and offset.
with

transactions as (
    select * from {{ ref('base_core_banking__transactions') }}
),

-- the text as delivered (base keeps it for bad rows only)
raw_transactions as (
    select * from {{ source('core_banking', 'transactions') }}
),

cases as (
    select
        fixed_cases.delivered,
        fixed_cases.expected_utc
    from (
        values
        ('2025-03-31T23:30:00-02:00', cast('2025-04-01 01:30:00' as timestamp)),
        ('2025-03-01T23:30:00+02:00', cast('2025-03-01 21:30:00' as timestamp)),
        ('2025-03-31T23:30:00+0530', cast('2025-03-31 18:00:00' as timestamp)),
        ('2025-03-31T23:30:00+05', cast('2025-03-31 18:30:00' as timestamp)),
        ('2025-03-31T23:30:00Z', cast('2025-03-31 23:30:00' as timestamp)),
        ('2025-03-31t23:30:00z', cast('2025-03-31 23:30:00' as timestamp)),
        ('2025-03-31T23:30:00', cast('2025-03-31 23:30:00' as timestamp)),
        ('2025-03-31 23:30', cast('2025-03-31 23:30:00' as timestamp)),
        ('2025-03-31T23:30:00.250+01:00', cast('2025-03-31 22:30:00.25' as timestamp)),
        ('2025-12-31T23:59:59-01:00', cast('2026-01-01 00:59:59' as timestamp)),
        ('2025-02-30T10:00:00Z', cast(null as timestamp)),
        ('2025-03-31', cast(null as timestamp)),
        ('31/03/2025 10:00', cast(null as timestamp)),
        ('2025-03-31T23:30:00 +01:00', cast(null as timestamp))
    ) as fixed_cases (delivered, expected_utc)
),

case_failures as (
    select
        delivered,
        expected_utc,
        {{ parse_timestamp_utc('delivered') }} as parsed_utc
    from cases
),

offset_rows as (
    select
        transactions.transaction_id,
        transactions.booked_at,
        raw_transactions.booked_at as delivered
    from transactions
    inner join raw_transactions
        on
            transactions._file_name = raw_transactions._file_name
            and transactions._file_row_number = raw_transactions._file_row_number
    where
        {{ matches_pattern(
            "trim(raw_transactions.booked_at)",
            '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'
        ) }}
),

by_hand as (
    select
        transaction_id,
        booked_at,
        delivered,
        cast(substr(trim(delivered), 1, 19) as timestamp)
        - (case when substr(trim(delivered), 20, 1) = '-' then -1 else 1 end)
        * (
            cast(substr(trim(delivered), 21, 2) as integer) * interval 1 hour
            + cast(substr(trim(delivered), 24, 2) as integer) * interval 1 minute
        ) as expected_utc
    from offset_rows
),

failures as (
    select
        delivered,
        cast(expected_utc as {{ dbt.type_string() }}) as expected_utc,
        cast(parsed_utc as {{ dbt.type_string() }}) as parsed_utc
    from case_failures
    where parsed_utc is distinct from expected_utc
    union all
    select
        delivered,
        cast(expected_utc as {{ dbt.type_string() }}) as expected_utc,
        cast(booked_at as {{ dbt.type_string() }}) as parsed_utc
    from by_hand
    where booked_at is distinct from expected_utc
)

select * from failures
