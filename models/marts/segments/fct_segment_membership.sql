{#- Final membership: the rule outcome, then exclusivity groups (one `in` per
    person and group, the best priority wins), then the audience control group. -#}

with rules as (
    select * from {{ ref('int_segment_rules_evaluated') }}
),

ranked as (
    select
        rules.*,
        -- within an exclusivity group, `in` rows first, then by priority and id
        first_value(case when rules.rule_status = 'in' then rules.segment_id end) over (
            partition by rules.as_of_date, rules.person_id, rules.exclusivity_group
            order by case when rules.rule_status = 'in' then 0 else 1 end, rules.priority, rules.segment_id
            rows between unbounded preceding and unbounded following
        ) as group_winner_segment_id
    from rules
),

exclusive as (
    select
        ranked.*,
        ranked.exclusivity_group is not null
        and ranked.rule_status = 'in'
        and ranked.group_winner_segment_id != ranked.segment_id as is_preempted
    from ranked
),

final as (
    select
        as_of_date,
        person_id,
        segment_id,
        segment_version,
        case when is_preempted then 'out' else rule_status end as status,
        case
            when is_preempted
                then 'preempted by ' || group_winner_segment_id || ' (exclusivity group ' || exclusivity_group || ')'
            else rule_reason
        end as reason,
        criteria,
        rule_status,
        is_near_miss,
        -- fixed per person and audience: independent of the segment version and of the run
        case
            when is_audience then {{ segment_hash_unit("person_id || '|' || segment_id") }} < control_group_share
        end as is_control_group
    from exclusive
)

select * from final
