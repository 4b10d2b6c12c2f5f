{%- set raw_columns = [
    'contact_id', 'campaign_id', 'customer_id', 'is_control', 'sent_at', 'opened_at', 'clicked_at',
    'converted_at', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['contact_id', 'campaign_id', 'customer_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'is_control'], 'missing_required_value')
    + check_parsed(
        ['_loaded_at', 'sent_at', 'opened_at', 'clicked_at', 'converted_at'],
        'invalid_timestamp',
        'is not an ISO 8601 timestamp'
    )
    + check_parsed(['is_control'], 'invalid_boolean', 'is not true/false')
-%}

with

source as (
    select * from {{ source('marketing', 'campaign_contacts') }}
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
        contact_id_text as contact_id,
        campaign_id_text as campaign_id,
        customer_id_text as customer_id,
        {{ parse_boolean('is_control_text') }} as is_control,
        {{ parse_timestamp_utc('sent_at_text') }} as sent_at,
        {{ parse_timestamp_utc('opened_at_text') }} as opened_at,
        {{ parse_timestamp_utc('clicked_at_text') }} as clicked_at,
        {{ parse_timestamp_utc('converted_at_text') }} as converted_at,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        contact_id_text as business_key,
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
        contact_id,
        campaign_id,
        customer_id,
        is_control,
        sent_at,
        opened_at,
        clicked_at,
        converted_at,
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
