{%- set raw_columns = [
    'customer_id', 'national_id', 'email', 'phone', 'full_name', 'birth_date', 'gender',
    'postal_code', 'country_code', 'occupation', 'marital_status', 'dependents',
    'declared_annual_income', 'onboarding_channel', 'home_branch_id', 'marketing_consent',
    'created_at', 'updated_at', 'is_deleted', '_loaded_at'
] -%}

{%- set checks =
    check_missing(['customer_id'], 'missing_business_key')
    + check_missing(['_loaded_at', 'created_at', 'updated_at'], 'missing_required_value')
    + check_parsed(['_loaded_at', 'created_at', 'updated_at'], 'invalid_timestamp', 'is not an ISO 8601 timestamp')
    + check_parsed(['birth_date'], 'invalid_date', 'is not a YYYY-MM-DD date')
    + check_parsed(['declared_annual_income'], 'invalid_money', 'breaks the money rule (digits[.digits], at most 4 decimals, no sign)')
    + check_parsed(['dependents'], 'invalid_integer', 'is not a non-negative integer')
    + check_parsed(['marketing_consent', 'is_deleted'], 'invalid_boolean', 'is not true/false')
    + [check_code('onboarding_channel', ['branch', 'digital', 'partner', 'advisor'])]
-%}

with

source as (
    select * from {{ source('core_banking', 'customers') }}
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
        customer_id_text as customer_id,
        {{ normalize_national_id('national_id_text') }} as national_id_normalized,
        {{ normalize_email('email_text') }} as email_normalized,
        {{ normalize_phone('phone_text', 'country_code_text') }} as phone_e164,
        {{ parse_date('birth_date_text') }} as birth_date,
        lower(gender_text) as gender,
        upper(postal_code_text) as postal_code,
        upper(country_code_text) as country_code,
        occupation_text as occupation,
        lower(marital_status_text) as marital_status,
        {{ parse_integer('dependents_text') }} as dependents,
        {{ parse_money('declared_annual_income_text') }} as declared_annual_income,
        lower(onboarding_channel_text) as onboarding_channel,
        home_branch_id_text as home_branch_id,
        {{ parse_boolean('marketing_consent_text') }} as marketing_consent,
        {{ parse_timestamp_utc('created_at_text') }} as created_at,
        {{ parse_timestamp_utc('updated_at_text') }} as updated_at,
        {{ parse_boolean('is_deleted_text') }} as is_deleted,
        {{ parse_timestamp_utc('_loaded_at_text') }} as _loaded_at,
        customer_id_text as business_key,
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
        customer_id,
        national_id_normalized,
        email_normalized,
        phone_e164,
        {{ hash_identifier('national_id_normalized') }} as national_id_hash,
        {{ hash_identifier('email_normalized') }} as email_hash,
        {{ hash_identifier('phone_e164') }} as phone_hash,
        -- impossible birth dates (before 1900, after the load date) are unknown
        case
            when birth_date >= cast('1900-01-01' as date) and birth_date <= cast(_loaded_at as date)
                then birth_date
        end as birth_date,
        birth_date_text is not null and (
            birth_date < cast('1900-01-01' as date) or birth_date > cast(_loaded_at as date)
        ) as is_birth_date_impossible,
        gender as gender_code,
        case when gender in ('f', 'm', 'x') then gender end as gender,
        postal_code,
        country_code,
        occupation,
        marital_status as marital_status_code,
        case
            when marital_status in ('single', 'married', 'divorced', 'widowed', 'partnered')
                then marital_status
        end as marital_status,
        dependents,
        declared_annual_income,
        onboarding_channel,
        home_branch_id,
        -- no recorded consent is no consent
        coalesce(marketing_consent, false) as has_marketing_consent,
        created_at,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
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
