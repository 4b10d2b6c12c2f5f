{#- Returns one row with both counts when `model` and `compare_model` do not
    hold the same number of rows. -#}
{% test equal_rowcount(model, compare_model) %}

with model_rows as (
    select count(*) as n_rows from {{ model }}
),

compare_rows as (
    select count(*) as n_rows from {{ compare_model }}
),

failures as (
    select
        model_rows.n_rows as model_n_rows,
        compare_rows.n_rows as compare_n_rows
    from model_rows
    cross join compare_rows
    where model_rows.n_rows <> compare_rows.n_rows
)

select * from failures

{% endtest %}
