{{
    config(
        materialized=incremental_or_table(),
        unique_key=['as_of_date', 'segment_id'],
        incremental_strategy=segment_incremental_strategy(),
        on_schema_change='fail',
        post_hook=["{{ segment_forget_erased_persons() }}"],
    )
}}

{#- Segment sizes for BI: one row per as_of_date and segment, kept across
    runs (a re-run of a date replaces its rows with the same values). -#}

-- read twice (run dates, counts): inlined, not a copy of every membership row
with membership as {{ inlined_cte() }} (
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

run_dates as (
    select distinct as_of_date from membership
),

statuses as (
    select
        membership.as_of_date,
        membership.segment_id,
        max(membership.segment_version) as segment_version,
        count(*) as n_persons_evaluated,
        sum(case when membership.status = 'in' then 1 else 0 end) as n_in,
        sum(case when membership.status = 'out' then 1 else 0 end) as n_out,
        sum(case when membership.status = 'not_evaluable' then 1 else 0 end) as n_not_evaluable,
        sum(case when membership.is_near_miss then 1 else 0 end) as n_near_miss,
        sum(case when membership.status = 'in' and membership.is_control_group then 1 else 0 end) as n_control_group,
        avg(case when membership.status = 'in' then segment_inputs.clv_12m_eur end) as mean_clv_12m_eur
    from membership
    left join segment_inputs
        on
            membership.as_of_date = segment_inputs.as_of_date
            and membership.person_id = segment_inputs.person_id
    group by membership.as_of_date, membership.segment_id
),

movements as (
    select
        transitions.transition_date as as_of_date,
        transitions.segment_id,
        sum(case when transitions.transition = 'entered' then 1 else 0 end) as n_entered,
        sum(case when transitions.transition = 'exited' then 1 else 0 end) as n_exited
    from transitions
    inner join run_dates
        on transitions.transition_date = run_dates.as_of_date
    group by transitions.transition_date, transitions.segment_id
),

final as (
    select
        statuses.as_of_date,
        statuses.segment_id,
        cast(statuses.segment_version as integer) as segment_version,
        segments.dimension,
        cast(statuses.n_in as bigint) as segment_size,
        cast(statuses.n_persons_evaluated as bigint) as n_persons_evaluated,
        cast(statuses.n_in as bigint) as n_in,
        cast(statuses.n_out as bigint) as n_out,
        cast(statuses.n_not_evaluable as bigint) as n_not_evaluable,
        cast(statuses.n_near_miss as bigint) as n_near_miss,
        cast(statuses.n_control_group as bigint) as n_control_group,
        cast(coalesce(movements.n_entered, 0) as bigint) as n_entered,
        cast(coalesce(movements.n_exited, 0) as bigint) as n_exited,
        cast(statuses.mean_clv_12m_eur as decimal(18, 4)) as mean_clv_12m_eur
    from statuses
    left join movements
        on
            statuses.as_of_date = movements.as_of_date
            and statuses.segment_id = movements.segment_id
    left join segments
        on statuses.segment_id = segments.segment_id
)

select * from final
