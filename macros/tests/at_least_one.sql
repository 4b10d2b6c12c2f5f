{#- Returns one row when `column_name` holds no non-NULL value at all (an
    empty model fails too): catches a column that a join or a parse silently
    turned into NULLs. -#}
{% test at_least_one(model, column_name) %}

with counted as (
    select count({{ column_name }}) as n_values
    from {{ model }}
),

failures as (
    select * from counted
    where n_values = 0
)

select * from failures

{% endtest %}
