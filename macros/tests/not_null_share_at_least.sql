{#- Returns one row when the share of non-NULL values of `column_name` is
    below `min_share` (a fraction, 0.95 = 95 %). An empty model has no share
    and passes (pair with at_least_one when that matters). -#}
{% test not_null_share_at_least(model, column_name, min_share) %}

with counted as (
    select
        count(*) as n_rows,
        count({{ column_name }}) as n_not_null,
        cast(count({{ column_name }}) as double) / nullif(count(*), 0) as not_null_share
    from {{ model }}
),

failures as (
    select
        *,
        {{ min_share }} as min_share
    from counted
    where not_null_share < {{ min_share }}
)

select * from failures

{% endtest %}
