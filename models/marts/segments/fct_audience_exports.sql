{#- What the reverse-ETL exports carry for the dates of this run: per audience,
    the persons who entered or exited it on that date (i.e. since the
    previous run), without the control group and without anyone lacking
    marketing consent on that date. bank_segments.export_audiences writes
    them to exports/audiences/<segment_id>/<as_of_date>.parquet. -#}

-- depends_on: {{ ref('fct_segment_summary') }}
-- (runs after the summary, whose post-hook removes erased persons)

with membership as (
    select * from {{ ref('fct_segment_membership') }}
),

transitions as (
    select * from {{ ref('fct_segment_transitions') }}
),

segment_inputs as (
    select * from {{ ref('int_segment_inputs_snapshotted') }}
),

segments as (
    select * from {{ ref('dim_segments') }}
),

audience_transitions as (
    select
        transitions.transition_date as as_of_date,
        transitions.segment_id,
        transitions.segment_version,
        segments.product_code,
        transitions.person_id,
        transitions.transition
    from transitions
    inner join segments
        on transitions.segment_id = segments.segment_id
    where segments.is_audience
),

final as (
    select
        audience_transitions.as_of_date,
        audience_transitions.segment_id,
        cast(audience_transitions.segment_version as integer) as segment_version,
        audience_transitions.product_code,
        audience_transitions.person_id,
        audience_transitions.transition
    from audience_transitions
    inner join membership
        on
            audience_transitions.as_of_date = membership.as_of_date
            and audience_transitions.person_id = membership.person_id
            and audience_transitions.segment_id = membership.segment_id
    inner join segment_inputs
        on
            audience_transitions.as_of_date = segment_inputs.as_of_date
            and audience_transitions.person_id = segment_inputs.person_id
    where
        not membership.is_control_group
        and coalesce(segment_inputs.has_marketing_consent, false)
)

select * from final
