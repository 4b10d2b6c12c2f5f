{#- For period series such as monthly FX rates or monthly cashflow: within
    each partition the distinct values of `column_name` must be period starts
    (first day of the `datepart`) and follow one another without a gap.
    Returns each offending period with the next one and the issue. NULLs are
    left to not_null. -#}
{% test continuous_periods(model, column_name, datepart='month', partition_by=none) %}

{%- set partitions = generic_test_column_list(partition_by) %}

with periods as (
    select distinct
        {% for column in partitions -%}
            {{ column }},
        {% endfor -%}
        {{ column_name }} as period_start
    from {{ model }}
    where {{ column_name }} is not null
),

ordered as (
    select
        *,
        lead(period_start) over (
            {% if partitions | length > 0 -%}
                partition by {{ partitions | join(', ') }}
            {% endif -%}
            order by period_start
        ) as next_period_start
    from periods
),

checked as (
    select
        *,
        case
            when {{ dbt.date_trunc(datepart, 'period_start') }} <> period_start
                then 'not the first day of a {{ datepart }}'
            when
                next_period_start is not null
                and next_period_start <> {{ dbt.dateadd(datepart, 1, 'period_start') }}
                then 'gap before the next period'
        end as issue
    from ordered
),

failures as (
    select * from checked
    where issue is not null
)

select * from failures

{% endtest %}
