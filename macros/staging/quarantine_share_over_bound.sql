{#- The raw tables whose quarantined share of delivered rows (every version
    read, plus every unreadable line) exceeds max_share, with the counts. Used
    by the two quarantine share tests in tests/staging/. -#}
{% macro quarantine_share_over_bound(max_share) %}
    {%- set base_models = [
        ('customers', 'base_core_banking__customers'),
        ('accounts', 'base_core_banking__accounts'),
        ('transactions', 'base_core_banking__transactions'),
        ('balances', 'base_core_banking__balances'),
        ('digital_users', 'base_digital__digital_users'),
        ('app_events', 'base_digital__app_events'),
        ('campaigns', 'base_marketing__campaigns'),
        ('campaign_contacts', 'base_marketing__campaign_contacts'),
    ] -%}
    with

    quarantine as (
        select * from {{ ref('stg_quarantine__rows') }}
    ),

    {% for table_name, base_model in base_models -%}
        {{ table_name }}_versions as (
            select '{{ table_name }}' as table_name
            from {{ ref(base_model) }}
        ),

    {% endfor -%}

    read_versions as (
        {%- for table_name, base_model in base_models %}
            select table_name from {{ table_name }}_versions
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ),

    read_counts as (
        select
            table_name,
            count(*) as n_read
        from read_versions
        group by table_name
    ),

    quarantine_counts as (
        select
            table_name,
            count(*) as n_quarantined,
            sum(case when reason_code = 'unreadable_line' then 1 else 0 end) as n_unreadable
        from quarantine
        group by table_name
    ),

    shares as (
        select
            quarantine_counts.table_name,
            quarantine_counts.n_quarantined,
            coalesce(read_counts.n_read, 0) + quarantine_counts.n_unreadable as n_delivered,
            cast(quarantine_counts.n_quarantined as double)
            / (coalesce(read_counts.n_read, 0) + quarantine_counts.n_unreadable) as quarantine_share,
            {{ max_share }} as max_share
        from quarantine_counts
        left join read_counts
            on quarantine_counts.table_name = read_counts.table_name
    )

    select * from shares
    where quarantine_share > max_share
{% endmacro %}
