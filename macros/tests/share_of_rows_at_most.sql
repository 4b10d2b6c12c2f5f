{#- Returns the groups (or the whole model when group_by is none) where the
    share of rows for which `condition` is true exceeds `max_share` (a
    fraction, 0.02 = 2 %), with the counts behind the share. An empty model
    or group has no share and passes. -#}
{% test share_of_rows_at_most(model, condition, max_share, group_by=none) %}

{%- set groups = generic_test_column_list(group_by) %}

with rows_in_scope as (
    select
        {% for column in groups -%}
            {{ column }},
        {% endfor -%}
        case when coalesce({{ condition }}, false) then 1 else 0 end as is_matching
    from {{ model }}
),

shares as (
    select
        {% for column in groups -%}
            {{ column }},
        {% endfor -%}
        count(*) as n_rows,
        sum(is_matching) as n_matching,
        cast(sum(is_matching) as double) / nullif(count(*), 0) as share_of_rows
    from rows_in_scope
    {%- if groups | length > 0 %}
        group by {% for column in groups %}{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    {%- endif %}
),

failures as (
    select
        *,
        {{ max_share }} as max_share
    from shares
    where share_of_rows > {{ max_share }}
)

select * from failures

{% endtest %}
