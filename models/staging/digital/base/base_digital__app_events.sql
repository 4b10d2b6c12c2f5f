{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        tags=['incremental_from_raw']
    )
}}

{%- set raw_columns = [
    'event_id', 'digital_user_id', 'event_name', 'event_at', 'platform', 'product_code', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['event_id', 'digital_user_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'event_name', 'event_at'], 'missing_required_value')
    + check_parsed(['_loaded_at', 'event_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + [check_code('platform', ['ios', 'android', 'web'])]
-%}

with

source as (
    select * from {{ source('digital', 'app_events') }}
    {{- new_raw_rows_filter() }}
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
        event_id_text as event_id,
        digital_user_id_text as digital_user_id,
        -- unknown event names are kept (a warning test lists them)
        lower(event_name_text) as event_name,
        {{ parse_timestamp_utc('event_at_text') }} as event_at,
        lower(platform_text) as platform,
        upper(product_code_text) as product_code,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        event_id_text as business_key,
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
        event_id,
        digital_user_id,
        event_name,
        event_at,
        cast(event_at as date) as event_date,
        platform,
        product_code,
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
