-- Every stg model holds, per business key, exactly the keys that have a valid
-- version known on as_of_date, and for each the latest such version (customers:
-- latest updated_at; others: latest _loaded_at). Bad versions never win.
{%- set tables = [
    ('customers', 'base_core_banking__customers', 'stg_core_banking__customers', 'updated_at'),
    ('accounts', 'base_core_banking__accounts', 'stg_core_banking__accounts', '_loaded_at'),
    ('transactions', 'base_core_banking__transactions', 'stg_core_banking__transactions', '_loaded_at'),
    ('balances', 'base_core_banking__balances', 'stg_core_banking__balances', '_loaded_at'),
    ('digital_users', 'base_digital__digital_users', 'stg_digital__digital_users', '_loaded_at'),
    ('app_events', 'base_digital__app_events', 'stg_digital__app_events', '_loaded_at'),
    ('campaigns', 'base_marketing__campaigns', 'stg_marketing__campaigns', '_loaded_at'),
    ('campaign_contacts', 'base_marketing__campaign_contacts', 'stg_marketing__campaign_contacts', '_loaded_at'),
] %}
{%- set keys = {
    'customers': 'customer_id', 'accounts': 'account_id', 'transactions': 'transaction_id',
    'balances': "account_id || '|' || cast(balance_date as " ~ dbt.type_string() ~ ")", 'digital_users': 'digital_user_id',
    'app_events': 'event_id', 'campaigns': 'campaign_id', 'campaign_contacts': 'contact_id'
} %}

with

{% for table_name, base_model, stg_model, version_column in tables -%}
    {{ table_name }}_expected as (
        select
            {{ keys[table_name] }} as business_key,
            max({{ version_column }}) as latest_version
        from {{ ref(base_model) }}
        where
            is_valid
            and cast(_loaded_at as date) <= {{ as_of_date() }}
        group by {{ keys[table_name] }}
    ),

    {{ table_name }}_actual as (
        select
            {{ keys[table_name] }} as business_key,
            {{ version_column }} as standing_version
        from {{ ref(stg_model) }}
    ),

    {{ table_name }}_mismatches as (
        select
            '{{ table_name }}' as table_name,
            coalesce({{ table_name }}_expected.business_key, {{ table_name }}_actual.business_key) as business_key,
            {{ table_name }}_expected.latest_version,
            {{ table_name }}_actual.standing_version
        from {{ table_name }}_expected
        full outer join {{ table_name }}_actual
            on {{ table_name }}_expected.business_key = {{ table_name }}_actual.business_key
        where
            {{ table_name }}_expected.business_key is null
            or {{ table_name }}_actual.business_key is null
            or {{ table_name }}_expected.latest_version <> {{ table_name }}_actual.standing_version
    ),

{% endfor -%}

mismatches as (
    {%- for table_name, base_model, stg_model, version_column in tables %}
        select * from {{ table_name }}_mismatches
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from mismatches
