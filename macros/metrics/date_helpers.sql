{#- Date arithmetic used by the metric models, built on dbt's cross-database
    macros so that the SQL also runs on Spark. Every result is a `date`. -#}

{#- First day of the month of a date or timestamp. -#}
{% macro month_start(expression) -%}
    cast({{ dbt.date_trunc('month', expression) }} as date)
{%- endmacro %}

{#- `expression` moved by `n` calendar months (n may be negative). -#}
{% macro add_months(expression, n) -%}
    cast({{ dbt.dateadd('month', n, expression) }} as date)
{%- endmacro %}

{#- `expression` moved by `n` days (n may be negative). -#}
{% macro add_days(expression, n) -%}
    cast({{ dbt.dateadd('day', n, expression) }} as date)
{%- endmacro %}

{#- Whole days from start_date to end_date (positive when end is later). -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') | trim }}
{%- endmacro %}

{#- Whole calendar months between the first days of two months. -#}
{% macro months_between_month_starts(start_month, end_month) -%}
    (
        (extract(year from {{ end_month }}) - extract(year from {{ start_month }})) * 12
        + extract(month from {{ end_month }}) - extract(month from {{ start_month }})
    )
{%- endmacro %}

{#- Complete months elapsed from start_date to end_date: a month counts once
    the same day of the month is reached (2025-01-15 -> 2025-03-14 is 1,
    -> 2025-03-15 is 2). -#}
{% macro complete_months_between(start_date, end_date) -%}
    (
        {{ months_between_month_starts(start_date, end_date) }}
        - case when extract(day from {{ end_date }}) < extract(day from {{ start_date }}) then 1 else 0 end
    )
{%- endmacro %}

{#- True when `month_expression` (a first-of-month date) is one of "the last
    n months": the n complete calendar months before the month of as_of. -#}
{% macro in_last_n_months(month_expression, n, as_of_month) -%}
    (
        {{ month_expression }} >= {{ add_months(as_of_month, -n) }}
        and {{ month_expression }} < {{ as_of_month }}
    )
{%- endmacro %}

{#- True when `date_expression` lies in the n days up to and including
    as_of (n = 90: as_of - 89 .. as_of). -#}
{% macro in_last_n_days(date_expression, n, as_of) -%}
    (
        {{ date_expression }} > {{ add_days(as_of, -n) }}
        and {{ date_expression }} <= {{ as_of }}
    )
{%- endmacro %}

{#- Rows 0 .. max_offset - 1 in a column `month_offset`: the base of month
    spines (month = as_of month - offset). -#}
{% macro month_offsets(max_offset) -%}
    select generated_number - 1 as month_offset
    from ({{ dbt.generate_series(max_offset) }}) as generated_numbers
{%- endmacro %}
