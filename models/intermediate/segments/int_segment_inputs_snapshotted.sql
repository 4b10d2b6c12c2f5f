{{
    config(
        materialized=incremental_or_table(),
        unique_key='as_of_date',
        incremental_strategy=segment_incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

{#- Person-level columns come from dim_persons (they exist for prospects too);
    every other documented column of fct_person_features is carried over, so
    that a new feature is usable in the registry as soon as it is documented. -#}
{%- set person_columns = ['person_id', 'origin', 'is_digital_active', 'first_relationship_date', 'tenure_months'] -%}
{%- set feature_columns = [] -%}
{%- if execute -%}
    {%- for column in segment_model_columns('fct_person_features').keys()
        if column not in person_columns and column != 'as_of_date' -%}
        {%- do feature_columns.append(column) -%}
    {%- endfor -%}
{%- endif %}

with persons as (
    select * from {{ ref('dim_persons') }}
),

person_features as (
    select * from {{ ref('fct_person_features') }}
),

run_features as (
    -- the features of this run's as_of_date only
    select * from person_features
    where as_of_date = {{ as_of_date() }}
),

final as (
    select
        cast({{ as_of_date() }} as date) as as_of_date,
        persons.person_id,
        run_features.person_id is not null as is_customer,
        persons.origin,
        persons.is_digital_active,
        persons.first_relationship_date,
        {%- for column in feature_columns %}
            run_features.{{ column }},
        {%- endfor %}
        persons.tenure_months
    from persons
    left join run_features
        on persons.person_id = run_features.person_id
)

select * from final
