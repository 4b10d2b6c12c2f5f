{#- Returns one row (most_recent, threshold) when the latest `field` is older
    than `interval` `datepart`s before `reference`, or when there is no value
    at all. `reference` is any SQL expression (a literal date for fixed demo
    data, `{{ as_of_date() }}` for the run's as_of_date); none means the
    current timestamp. -#}
{% test recency(model, field, datepart, interval, reference=none) %}

{%- set reference_sql = reference if reference is not none else dbt.current_timestamp() %}

with latest as (
    select max({{ field }}) as most_recent
    from {{ model }}
),

compared as (
    select
        most_recent,
        {{ dbt.dateadd(datepart, -1 * (interval | int), reference_sql) }} as threshold
    from latest
),

failures as (
    select * from compared
    where most_recent is null or most_recent < threshold
)

select * from failures

{% endtest %}
