{{ config(materialized='table') }}

{%- set base_models = [
    ('core_banking', 'customers', 'base_core_banking__customers'),
    ('core_banking', 'accounts', 'base_core_banking__accounts'),
    ('core_banking', 'transactions', 'base_core_banking__transactions'),
    ('core_banking', 'balances', 'base_core_banking__balances'),
    ('digital', 'digital_users', 'base_digital__digital_users'),
    ('digital', 'app_events', 'base_digital__app_events'),
    ('marketing', 'campaigns', 'base_marketing__campaigns'),
    ('marketing', 'campaign_contacts', 'base_marketing__campaign_contacts'),
] -%}

with

{% for source_name, table_name, base_model in base_models -%}
    {{ table_name }} as {{ inlined_cte() }} (
        select
            '{{ source_name }}' as source_name,
            '{{ table_name }}' as table_name,
            *
        from {{ ref(base_model) }}
    ),

{% endfor -%}

rejects as (
    select * from {{ source('raw_loader', 'load_rejects') }}
),

-- read twice (bad versions, load times of files with rejects): inlined,
-- here and in the CTE per table, not copied, as it holds every raw row
all_versions as {{ inlined_cte() }} (
    {%- for source_name, table_name, base_model in base_models %}
        select
            source_name,
            table_name,
            business_key,
            quarantine_reason_code,
            quarantine_reason,
            is_valid,
            raw_row,
            _file_name,
            _file_row_number,
            _loaded_at
        from {{ table_name }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

bad_versions as (
    select
        source_name,
        table_name,
        business_key,
        quarantine_reason_code as reason_code,
        quarantine_reason as reason,
        raw_row,
        _file_name as file_name,
        cast(_file_row_number as {{ dbt.type_string() }}) as position_in_file,
        _loaded_at
    from all_versions
    where not is_valid
),

-- An unreadable line has no _loaded_at of its own: it takes the batch's, the
-- latest one read from the other lines of its file. Only files with an
-- unreadable line are aggregated (all versions are tens of millions of rows).
files_with_rejects as (
    select distinct
        source_name,
        table_name,
        file_name
    from rejects
),

file_loads as (
    select
        all_versions.source_name,
        all_versions.table_name,
        all_versions._file_name as file_name,
        max(all_versions._loaded_at) as _loaded_at
    from all_versions
    inner join files_with_rejects
        on
            all_versions.source_name = files_with_rejects.source_name
            and all_versions.table_name = files_with_rejects.table_name
            and all_versions._file_name = files_with_rejects.file_name
    group by all_versions.source_name, all_versions.table_name, all_versions._file_name
),

reject_lines as (
    select
        rejects.*,
        file_loads._loaded_at
    from rejects
    left join file_loads
        on
            rejects.source_name = file_loads.source_name
            and rejects.table_name = file_loads.table_name
            and rejects.file_name = file_loads.file_name
),

unreadable_lines as (
    select
        source_name,
        table_name,
        business_key,
        'unreadable_line' as reason_code,
        'line ' || cast(line as {{ dbt.type_string() }}) || ' could not be read: '
        || lower(error_type) || ' (' || error_message || ')' as reason,
        {{ raw_row_json(['raw_line']) }} as raw_row,
        file_name,
        'line ' || cast(line as {{ dbt.type_string() }}) as position_in_file,
        _loaded_at
    from reject_lines
),

quarantined as (
    select * from bad_versions
    union all
    select * from unreadable_lines
),

final as (
    select
        -- the same delivered line always gets the same id
        {{ dbt.hash(dbt.concat([
            'source_name', "'|'", 'table_name', "'|'", "coalesce(file_name, '')", "'|'",
            "coalesce(position_in_file, '')", "'|'", 'raw_row'
        ])) }} as quarantine_row_id,
        source_name,
        table_name,
        business_key,
        reason_code,
        reason,
        raw_row,
        file_name,
        _loaded_at
    from quarantined
)

select * from final
