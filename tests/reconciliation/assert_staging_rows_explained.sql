{#- Row counts are explained, per raw table: every delivered row (every row
    read plus every line the reader could not read) is either quarantined, or
    loaded after as_of_date (not yet known), or a superseded version of a key,
    or a row of the stg model:

        stg rows = source rows - superseded versions - quarantined rows - not yet known

    The terms are counted independently: source rows in the raw landing and
    the loader's rejects, quarantined rows in the quarantine model, superseded
    versions as the valid versions known on as_of_date minus their distinct
    business keys, stg rows in the stg model. Returns the tables whose counts
    do not add up.
    Most keys have one version, and none of them is superseded: a narrow
    count per 64-bit hash of the key finds the repeated ones, and only their
    versions are counted against their distinct keys (a distinct count over
    every key spilled gigabytes at 1,000,000 persons). A hash collision only
    brings a key into the exact count. -#}

{%- set tables = [
    ('core_banking', 'customers', 'base_core_banking__customers', 'stg_core_banking__customers'),
    ('core_banking', 'accounts', 'base_core_banking__accounts', 'stg_core_banking__accounts'),
    ('core_banking', 'transactions', 'base_core_banking__transactions', 'stg_core_banking__transactions'),
    ('core_banking', 'balances', 'base_core_banking__balances', 'stg_core_banking__balances'),
    ('digital', 'digital_users', 'base_digital__digital_users', 'stg_digital__digital_users'),
    ('digital', 'app_events', 'base_digital__app_events', 'stg_digital__app_events'),
    ('marketing', 'campaigns', 'base_marketing__campaigns', 'stg_marketing__campaigns'),
    ('marketing', 'campaign_contacts', 'base_marketing__campaign_contacts', 'stg_marketing__campaign_contacts'),
] -%}

with

run_dates as (
    select as_of_date from {{ ref('stg_run__as_of_dates') }}
),

rejects as (
    select * from {{ source('raw_loader', 'load_rejects') }}
),

quarantine as (
    select * from {{ ref('stg_quarantine__rows') }}
),

{% for source_name, table_name, base_model, stg_model in tables %}
    -- read twice (hash count, exact count): inlined, not a copy of every version
    {{ table_name }}_known_versions as {{ inlined_cte() }} (
        select versions.business_key
        from {{ ref(base_model) }} as versions
        cross join run_dates
        where versions.is_valid and cast(versions._loaded_at as date) <= run_dates.as_of_date
    ),

    {{ table_name }}_counts as (
        select
            '{{ table_name }}' as table_name,
            (
                select count(*) from {{ source(source_name, table_name) }}
            ) + (
                select count(*) from rejects
                where rejects.source_name = '{{ source_name }}' and rejects.table_name = '{{ table_name }}'
            ) as n_source_rows,
            (
                select count(*) from quarantine
                where quarantine.source_name = '{{ source_name }}' and quarantine.table_name = '{{ table_name }}'
            ) as n_quarantined,
            (
                select count(*) from {{ ref(base_model) }} as versions
                cross join run_dates
                where versions.is_valid and cast(versions._loaded_at as date) > run_dates.as_of_date
            ) as n_not_yet_known,
            (
                select count(*) - count(distinct repeated_versions.business_key)
                from {{ table_name }}_known_versions as repeated_versions
                where hash(repeated_versions.business_key) in (
                    select hash(key_versions.business_key)
                    from {{ table_name }}_known_versions as key_versions
                    group by hash(key_versions.business_key)
                    having count(*) > 1
                )
            ) as n_superseded,
            (
                select count(*) from {{ ref(stg_model) }}
            ) as n_staging_rows
    ),

{% endfor %}
counts as (
    {%- for source_name, table_name, base_model, stg_model in tables %}
        select * from {{ table_name }}_counts
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

explained as (
    select
        *,
        n_source_rows - n_superseded - n_quarantined - n_not_yet_known as n_explained_rows
    from counts
),

failures as (
    select * from explained
    where n_staging_rows <> n_explained_rows
)

select * from failures
