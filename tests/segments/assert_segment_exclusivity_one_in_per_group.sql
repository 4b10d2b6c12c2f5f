-- Inside an exclusivity group a person is `in` at most one segment per as_of_date.
with membership as (
    select * from {{ ref('fct_segment_membership') }}
),

segments as (
    select * from {{ ref('dim_segments') }}
),

group_members as (
    select
        membership.as_of_date,
        membership.person_id,
        segments.exclusivity_group,
        count(*) as n_in
    from membership
    inner join segments
        on membership.segment_id = segments.segment_id
    where
        membership.status = 'in'
        and segments.exclusivity_group is not null
    group by membership.as_of_date, membership.person_id, segments.exclusivity_group
)

select * from group_members
where n_in > 1
