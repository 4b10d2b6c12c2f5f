{%- set raw_columns = [
    'digital_user_id', 'customer_id', 'email', 'registered_at', 'registration_channel', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['digital_user_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'registered_at'], 'missing_required_value')
    + check_parsed(['_loaded_at', 'registered_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + [check_code('registration_channel', ['app', 'web', 'branch_assisted'])]
-%}

with

source as (
    select * from {{ source('digital', 'digital_users') }}
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
        digital_user_id_text as digital_user_id,
        customer_id_text as customer_id,
        {{ normalize_email('email_text') }} as email_normalized,
        {{ parse_timestamp_utc('registered_at_text') }} as registered_at,
        lower(registration_channel_text) as registration_channel,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        digital_user_id_text as business_key,
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
        digital_user_id,
        customer_id,
        email_normalized,
        {{ hash_identifier('email_normalized') }} as email_hash,
        registered_at,
        registration_channel,
        _loaded_at,
        business_key,
        quarantine_reason_code,
        quarantine_reason,
        quarantine_reason_code is null as is_valid,
        _file_name,
        _file_row_number,
        -- valid rows live on in the typed columns: only bad rows keep the raw
        -- text (built here, for those rows only)
        case
            when quarantine_reason_code is not null then {{ raw_row_json(raw_columns, suffix='_raw') }}
        end as raw_row
    from checked
)

select * from final
