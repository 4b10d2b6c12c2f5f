{%- set raw_columns = [
    'campaign_id', 'campaign_name', 'product_code', 'channel', 'started_at', 'ended_at', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['campaign_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'started_at'], 'missing_required_value')
    + check_parsed(['_loaded_at', 'started_at', 'ended_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + [check_code('channel', ['email', 'push', 'in_app', 'sms', 'call'])]
-%}

with

source as (
    select * from {{ source('marketing', 'campaigns') }}
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
        campaign_id_text as campaign_id,
        campaign_name_text as campaign_name,
        upper(product_code_text) as product_code,
        lower(channel_text) as channel,
        {{ parse_timestamp_utc('started_at_text') }} as started_at,
        {{ parse_timestamp_utc('ended_at_text') }} as ended_at,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        campaign_id_text as business_key,
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
        campaign_id,
        campaign_name,
        product_code,
        channel,
        started_at,
        ended_at,
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
