{#- Returns the rows for which `expression` is not true. A NULL result counts
    as not true: write `col is null or ...` when NULL is acceptable. -#}
{% test expression_is_true(model, expression, where=none) %}

with rows_in_scope as (
    select * from {{ model }}
    where {{ generic_test_where(where) }}
),

failures as (
    select * from rows_in_scope
    where not coalesce({{ expression }}, false)
)

select * from failures

{% endtest %}
