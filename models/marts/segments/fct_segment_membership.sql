{#- Final membership: the rule outcome, then exclusivity groups (one `in` per
    person and group, the best priority wins), then the audience control group. -#}

-- read twice (the ranking, every row): inlined, not a copy of every wide row
with rules as {{ inlined_cte() }} (
    select * from {{ ref('int_segment_rules_evaluated') }}
),

-- the `in` rows of exclusivity groups: a narrow relation to rank, instead of
-- a window over every wide row (out of memory at 1,000,000 persons with 5GB)
in_group_rows as (
    select
        as_of_date,
        person_id,
        exclusivity_group,
        segment_id,
        priority
    from rules
    where
        exclusivity_group is not null
        and rule_status = 'in'
),

ranked_in_group_rows as (
    select
        in_group_rows.*,
        row_number() over (
            partition by in_group_rows.as_of_date, in_group_rows.person_id, in_group_rows.exclusivity_group
            order by in_group_rows.priority, in_group_rows.segment_id
        ) as winner_rank
    from in_group_rows
),

-- within an exclusivity group the `in` row of the best priority, then id, wins
group_winners as (
    select
        as_of_date,
        person_id,
        exclusivity_group,
        segment_id as group_winner_segment_id
    from ranked_in_group_rows
    where winner_rank = 1
),

exclusive as (
    select
        rules.*,
        group_winners.group_winner_segment_id,
        rules.exclusivity_group is not null
        and rules.rule_status = 'in'
        and group_winners.group_winner_segment_id != rules.segment_id as is_preempted
    from rules
    left join group_winners
        on
            rules.as_of_date = group_winners.as_of_date
            and rules.person_id = group_winners.person_id
            and rules.exclusivity_group = group_winners.exclusivity_group
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
