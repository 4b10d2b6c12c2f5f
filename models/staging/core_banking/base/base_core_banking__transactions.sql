{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['_file_name', '_file_row_number'],
        tags=['incremental_from_raw']
    )
}}

{%- set raw_columns = [
    'transaction_id', 'account_id', 'booked_at', 'value_date', 'amount', 'direction',
    'transaction_code', 'purpose_code', 'counterparty_name', 'counterparty_account_id',
    'merchant_name', 'mcc', 'channel', 'status', 'reversal_of_transaction_id', 'description', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['transaction_id', 'account_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'booked_at', 'amount', 'direction', 'status'], 'missing_required_value')
    + check_parsed(['_loaded_at', 'booked_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + check_parsed(['value_date'], 'invalid_date', 'is not a YYYY-MM-DD date')
    + check_parsed(['amount'], 'invalid_money', 'breaks the money rule (digits[.digits], at most 4 decimals, no sign)')
    + [
        (
            'direction is null and direction_text is not null',
            'invalid_code',
            'direction is not one of credit, debit, C, D'
        ),
        check_code('status', ['pending', 'booked', 'reversed']),
        check_code('channel', ['card', 'online', 'mobile', 'branch', 'atm', 'api']),
        (
            'mcc_text is not null and mcc is null',
            'invalid_code',
            'mcc is not a merchant category code of up to 4 digits'
        ),
        (
            'account_ids.account_id is null',
            'orphan_reference',
            'account_id is not held by the accounts table (no valid account version delivered)'
        )
    ]
-%}

with

source as (
    select * from {{ source('core_banking', 'transactions') }}
    {{- new_raw_rows_filter(recheck_orphans=true) }}
),

-- Documented exception to "no joins in staging": a transaction of an account
-- the bank never delivered is an orphan_reference bad row.
account_ids as (
    select distinct account_id
    from {{ ref('base_core_banking__accounts') }}
    where is_valid
),

cleaned as (
    select
        {%- for column_name in raw_columns %}
            {{ clean_text(column_name) }} as {{ column_name }}_text,
        {%- endfor %}
        {%- for column_name in raw_columns %}
            {{ column_name }} as {{ column_name }}_raw,
        {%- endfor %}
        _file_name,
        _file_row_number
    from source
),

parsed as (
    select
        transaction_id_text as transaction_id,
        account_id_text as account_id,
        {{ parse_timestamp_utc('booked_at_text') }} as booked_at,
        {{ parse_date('value_date_text') }} as value_date,
        {{ parse_money('amount_text') }} as amount,
        case lower(direction_text)
            when 'credit' then 'credit'
            when 'c' then 'credit'
            when 'debit' then 'debit'
            when 'd' then 'debit'
        end as direction,
        upper(transaction_code_text) as transaction_code,
        upper(purpose_code_text) as purpose_code,
        {{ normalize_name('counterparty_name_text') }} as counterparty_name_normalized,
        counterparty_account_id_text as counterparty_account_id,
        {{ normalize_name('merchant_name_text') }} as merchant_name,
        -- an exporter that typed mcc as a number drops its leading zeros
        case
            when {{ matches_pattern('mcc_text', '[0-9]{1,4}') }} then lpad(mcc_text, 4, '0')
        end as mcc,
        lower(channel_text) as channel,
        lower(status_text) as status,
        reversal_of_transaction_id_text as reversal_of_transaction_id,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        transaction_id_text as business_key,
        {%- for column_name in raw_columns %}
            {{ column_name }}_text,
        {%- endfor %}
        {%- for column_name in raw_columns %}
            {{ column_name }}_raw,
        {%- endfor %}
        _file_name,
        _file_row_number
    from cleaned
),

checked as (
    select
        parsed.*,
        {{ quarantine_reason_code(checks) }} as quarantine_reason_code,
        {{ quarantine_reason(checks) }} as quarantine_reason
    from parsed
    left join account_ids
        on parsed.account_id = account_ids.account_id
),

final as (
    select
        transaction_id,
        account_id,
        booked_at,
        cast(booked_at as date) as booked_date,
        value_date,
        amount,
        direction,
        transaction_code,
        purpose_code,
        counterparty_name_normalized,
        {{ hash_identifier('counterparty_name_normalized') }} as counterparty_key,
        counterparty_account_id,
        merchant_name,
        mcc,
        channel,
        status,
        reversal_of_transaction_id,
        _loaded_at,
        business_key,
        quarantine_reason_code,
        quarantine_reason,
        quarantine_reason_code is null as is_valid,
        _file_name,
        _file_row_number,
        {{ processed_at() }} as _processed_at,
        -- valid rows live on in the typed columns: only bad rows keep the raw
        -- text (built here, for those rows only)
        case
            when quarantine_reason_code is not null then {{ raw_row_json(raw_columns, suffix='_raw') }}
        end as raw_row
    from checked
)

select * from final
