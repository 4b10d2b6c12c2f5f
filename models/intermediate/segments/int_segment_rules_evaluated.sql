{#- The registry compiled to SQL (macros/segments/compile_segment_rules.sql):
    every rule evaluated for every person it applies to, before exclusivity. -#}
{%- set entries = segment_registry() %}

with segment_inputs as (
    select * from {{ ref('int_segment_inputs_snapshotted') }}
),

products as (
    select * from {{ ref('product_catalogue') }}
),

inputs as (
    select * from segment_inputs
    where {{ segment_run_dates_filter('as_of_date') }}
),

{{ compile_segment_rules('inputs', entries) }},

registry as (
    {{ segment_registry_rows(entries, full=false) }}
),

final as (
    select
        segment_rules.as_of_date,
        segment_rules.person_id,
        segment_rules.segment_id,
        cast(registry.segment_version as integer) as segment_version,
        registry.exclusivity_group,
        cast(registry.priority as integer) as priority,
        registry.is_audience,
        registry.control_group_share,
        segment_rules.rule_status,
        segment_rules.rule_reason,
        segment_rules.is_near_miss,
        cast(segment_rules.n_failed_criteria as integer) as n_failed_criteria,
        cast(segment_rules.n_missing_inputs as integer) as n_missing_inputs,
        segment_rules.criteria
    from segment_rules
    inner join registry
        on segment_rules.segment_id = registry.segment_id
    where {{ segment_selection_filter('segment_rules.segment_id') }}
)

select * from final
