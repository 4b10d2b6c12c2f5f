{#- Checks valid_from/valid_to style histories: within each partition the
    ranges [lower, upper) must not overlap. A NULL upper bound is an open
    range and may only be the last one; an upper bound equal to the next
    lower bound is contiguous. gaps: 'allowed' (default), 'not_allowed'
    (contiguous history) or 'required'. Returns each offending row with its
    next lower bound and the violation. -#}
{% test mutually_exclusive_ranges(
    model,
    lower_bound_column,
    upper_bound_column,
    partition_by=none,
    gaps='allowed',
    zero_length_range_allowed=false
) %}

{%- if gaps not in ['allowed', 'not_allowed', 'required'] -%}
    {{ exceptions.raise_compiler_error(
        "mutually_exclusive_ranges: gaps must be 'allowed', 'not_allowed' or 'required', got " ~ gaps) }}
{%- endif -%}
{%- set partitions = generic_test_column_list(partition_by) -%}
{%- set partition_clause -%}
    {%- if partitions | length > 0 -%}
        partition by {{ partitions | join(', ') }}
    {%- endif -%}
{%- endset %}

with ranges as (
    select
        {% for column in partitions -%}
            {{ column }},
        {% endfor -%}
        {{ lower_bound_column }} as lower_bound,
        {{ upper_bound_column }} as upper_bound
    from {{ model }}
),

ordered as (
    select
        *,
        lead(lower_bound) over (
            {{ partition_clause }}
            order by lower_bound, case when upper_bound is null then 1 else 0 end, upper_bound
        ) as next_lower_bound
    from ranges
),

checked as (
    select
        *,
        case
            when lower_bound is null
                then 'lower bound is null'
            when upper_bound is not null and lower_bound > upper_bound
                then 'lower bound after upper bound'
            {%- if not zero_length_range_allowed %}
                when upper_bound is not null and lower_bound = upper_bound
                    then 'zero-length range'
            {%- endif %}
            when next_lower_bound is not null and upper_bound is null
                then 'open range followed by another range'
            when next_lower_bound is not null and upper_bound > next_lower_bound
                then 'overlaps the next range'
            {%- if gaps == 'not_allowed' %}
                when next_lower_bound is not null and upper_bound < next_lower_bound
                    then 'gap before the next range'
            {%- elif gaps == 'required' %}
                when next_lower_bound is not null and upper_bound = next_lower_bound
                    then 'no gap before the next range'
            {%- endif %}
        end as violation
    from ordered
),

failures as (
    select * from checked
    where violation is not null
)

select * from failures

{% endtest %}
