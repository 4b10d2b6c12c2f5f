-- Every delivered offset is converted to UTC: fixed cases through the parser,
-- and every booked_at delivered with a +hh:mm/-hh:mm offset recomputed by hand
-- from its local time and offset. A failing file row is reported by its file
-- and row number.
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

-- raw rows delivered with a +hh:mm/-hh:mm offset, their UTC time recomputed by
-- hand before the join: the join then holds two integers and a timestamp per
-- row, not the file path and the text (30 % of the rows of a large export)
offset_rows as (
    select
        _file_row_number,
        hash(_file_name) as file_key,
        cast(substr(trim(booked_at), 1, 19) as timestamp)
        - (case when substr(trim(booked_at), 20, 1) = '-' then -1 else 1 end)
        * (
            cast(substr(trim(booked_at), 21, 2) as integer) * interval 1 hour
            + cast(substr(trim(booked_at), 24, 2) as integer) * interval 1 minute
        ) as expected_utc
    from raw_transactions
    where
        {{ matches_pattern(
            "trim(booked_at)",
            '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'
        ) }}
),

-- the base row of each: a hash collision between two file paths could only
-- pair a row with another file's row and so report a failure, never hide one
by_hand as (
    select
        transactions._file_name,
        transactions._file_row_number,
        transactions.booked_at,
        offset_rows.expected_utc
    from transactions
    inner join offset_rows
        on
            hash(transactions._file_name) = offset_rows.file_key
            and transactions._file_row_number = offset_rows._file_row_number
),

failures as (
    select
        delivered,
        cast(expected_utc as {{ dbt.type_string() }}) as expected_utc,
        cast(parsed_utc as {{ dbt.type_string() }}) as parsed_utc
    from case_failures
    where parsed_utc is distinct from expected_utc
    union all
    -- the delivered text is at this file and row
    select
        _file_name || ' row ' || cast(_file_row_number as {{ dbt.type_string() }}) as delivered,
        cast(expected_utc as {{ dbt.type_string() }}) as expected_utc,
        cast(booked_at as {{ dbt.type_string() }}) as parsed_utc
    from by_hand
    where booked_at is distinct from expected_utc
)

select * from failures
