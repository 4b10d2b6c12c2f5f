{%- set raw_columns = [
    'account_id', 'customer_id', 'product_code', 'currency', 'opened_at', 'closed_at', 'status',
    'opening_channel', 'branch_id', 'credit_limit', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['account_id', 'customer_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'product_code', 'currency', 'opened_at', 'status'], 'missing_required_value')
    + check_parsed(['_loaded_at', 'opened_at', 'closed_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + check_parsed(['credit_limit'], 'invalid_money', 'breaks the money rule (digits[.digits], at most 4 decimals, no sign)')
    + [
        check_code('status', ['active', 'dormant', 'frozen', 'closed']),
        check_code('opening_channel', ['branch', 'web', 'mobile', 'api', 'advisor']),
        (
            'not ' ~ matches_pattern('currency', '[A-Z]{3}'),
            'invalid_code',
            'currency is not a three-letter ISO 4217 code'
        )
    ]
-%}

with

source as (
    select * from {{ source('core_banking', 'accounts') }}
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
        customer_id_text as customer_id,
        upper(product_code_text) as product_code,
        upper(currency_text) as currency,
        {{ parse_timestamp_utc('opened_at_text') }} as opened_at,
        {{ parse_timestamp_utc('closed_at_text') }} as closed_at,
        lower(status_text) as status,
        lower(opening_channel_text) as opening_channel,
        branch_id_text as branch_id,
        {{ parse_money('credit_limit_text') }} as credit_limit,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        account_id_text as business_key,
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
        *,
        {{ quarantine_reason_code(checks) }} as quarantine_reason_code,
        {{ quarantine_reason(checks) }} as quarantine_reason
    from parsed
),

final as (
    select
        account_id,
        customer_id,
        product_code,
        currency,
        opened_at,
        closed_at,
        status,
        opening_channel,
        branch_id,
        credit_limit,
        _loaded_at,
        business_key,
        quarantine_reason_code,
        quarantine_reason,
        _file_name,
        _file_row_number,
        quarantine_reason_code is null as is_valid,
        -- valid rows live on in the typed columns: only bad rows keep the raw
        -- text (built here, for those rows only)
        case
            when quarantine_reason_code is not null then {{ raw_row_json(raw_columns, suffix='_raw') }}
        end as raw_row
    from checked
)

select * from final
