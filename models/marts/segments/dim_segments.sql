{#- The registry itself (dim_segments meta.segment_registry) as a table. A rule
    may not change under the same version: the rule of every segment is
    compared with the one the previous build stored. -#}
{%- set entries = segment_registry() -%}
{%- if execute and not flags.EMPTY and not flags.FULL_REFRESH -%}
    {%- set previous = load_relation(this) -%}
    {%- if previous is not none -%}
        {%- set stored = run_query('select segment_id, segment_version, rule_definition from ' ~ previous) -%}
        {%- set current = {} -%}
        {%- for entry in entries -%}
            {%- do current.update({entry.id: entry}) -%}
        {%- endfor -%}
        {%- for row in stored.rows if row[0] in current -%}
            {%- set entry = current[row[0]] -%}
            {%- if entry.version == row[1] and entry.rule_definition != row[2] -%}
                {{ exceptions.raise_compiler_error(
                    "Segment registry (macros/segments/segment_registry_entries.sql), entry '" ~ entry.id
                    ~ "': the rule changed but the version is still " ~ entry.version
                    ~ "; bump the version (a scratch warehouse may rebuild with --full-refresh)") }}
            {%- endif -%}
            {%- if entry.version < row[1] -%}
                {{ exceptions.raise_compiler_error(
                    "Segment registry (macros/segments/segment_registry_entries.sql), entry '" ~ entry.id
                    ~ "': version " ~ entry.version ~ " is lower than the built version " ~ row[1]) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endif %}

with registry as (
    {{ segment_registry_rows(entries) }}
),

final as (
    select
        segment_id,
        cast(segment_version as integer) as segment_version,
        segment_name,
        dimension,
        description,
        owner,
        is_audience,
        product_code,
        control_group_share,
        cast(priority as integer) as priority,
        exclusivity_group,
        population,
        cast(min_history_months as integer) as min_history_months,
        criteria_summary,
        rule_definition,
        {{ dbt.hash('rule_definition') }} as rule_hash
    from registry
)

select * from final
