{#- Returns the rows for which `expression` is not true. A NULL result counts
    as not true: write `col is null or ...` when NULL is acceptable. Applied
    to a column (column_name given), the expression continues the column, as
    in dbt_utils: `expression: ">= 0"` checks `<column> >= 0`. -#}
{% test expression_is_true(model, expression, column_name=none, where=none) %}

{%- set full_expression = (column_name ~ ' ' ~ expression) if column_name is not none else expression %}

with rows_in_scope as (
    select * from {{ model }}
    where {{ generic_test_where(where) }}
),

failures as (
    select * from rows_in_scope
    where not coalesce({{ full_expression }}, false)
)

select * from failures

{% endtest %}
