{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['_file_name', '_file_row_number'],
        tags=['incremental_from_raw']
    )
}}

{%- set raw_columns = ['account_id', 'balance_date', 'balance', '_loaded_at'] -%}

{%- set checks =
    check_missing(['account_id', 'balance_date'], 'missing_business_key')
    + check_missing(['_loaded_at', 'balance'], 'missing_required_value')
    + check_parsed(['_loaded_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + check_parsed(['balance_date'], 'invalid_date', 'is not a YYYY-MM-DD date')
    + check_parsed(['balance'], 'invalid_money', 'breaks the money rule (signed digits[.digits], at most 4 decimals)')
    + [(
        'account_ids.account_id is null',
        'orphan_reference',
        'account_id is not held by the accounts table (no valid account version delivered)'
    )]
-%}

with

source as (
    select * from {{ source('core_banking', 'balances') }}
    {{- new_raw_rows_filter(recheck_orphans=true) }}
),

-- Documented exception to "no joins in staging": a balance of an account the
-- bank never delivered is an orphan_reference bad row.
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
        account_id_text as account_id,
        {{ parse_date('balance_date_text') }} as balance_date,
        -- balances are the one signed money column of the contract
        {{ parse_money('balance_text', signed=true) }} as balance,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        -- the compound key as one text, parts in key order
        coalesce(account_id_text, '') || '|' || coalesce(balance_date_text, '') as business_key,
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
        account_id,
        balance_date,
        balance,
        _loaded_at,
        business_key,
        quarantine_reason_code,
        quarantine_reason,
        _file_name,
        _file_row_number,
        quarantine_reason_code is null as is_valid,
        {{ processed_at() }} as _processed_at,
        -- valid rows live on in the typed columns: only bad rows keep the raw
        -- text (built here, for those rows only)
        case
            when quarantine_reason_code is not null then {{ raw_row_json(raw_columns, suffix='_raw') }}
        end as raw_row
    from checked
)

select * from final
