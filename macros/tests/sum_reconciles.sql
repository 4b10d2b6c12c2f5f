{#- Money conservation between layers: returns a row when the sum of
    `column_name` in `model` and the sum of `compare_column` in
    `compare_model` differ by more than `tolerance` (one cent by default),
    overall or, with group_by, per group (columns present in both models; a
    group missing on one side counts as zero there). Each side may be
    filtered (`where`, `compare_where`); an empty side sums to zero. -#}
{% test sum_reconciles(
    model,
    column_name,
    compare_model,
    compare_column,
    tolerance=0.01,
    where=none,
    compare_where=none,
    group_by=none
) %}

{%- set groups = generic_test_column_list(group_by) %}

with model_totals as (
    select
        {% for column in groups -%}
            {{ column }},
        {% endfor -%}
        coalesce(sum({{ column_name }}), 0) as model_total
    from {{ model }}
    where {{ generic_test_where(where) }}
    {%- if groups | length > 0 %}
        group by {% for column in groups %}{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    {%- endif %}
),

compare_totals as (
    select
        {% for column in groups -%}
            {{ column }},
        {% endfor -%}
        coalesce(sum({{ compare_column }}), 0) as compare_total
    from {{ compare_model }}
    where {{ generic_test_where(compare_where) }}
    {%- if groups | length > 0 %}
        group by {% for column in groups %}{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    {%- endif %}
),

compared as (
    select
        {% for column in groups -%}
            coalesce(model_totals.{{ column }}, compare_totals.{{ column }}) as {{ column }},
        {% endfor -%}
        coalesce(model_totals.model_total, 0) as model_total,
        coalesce(compare_totals.compare_total, 0) as compare_total,
        coalesce(model_totals.model_total, 0) - coalesce(compare_totals.compare_total, 0) as difference
    from model_totals
    full outer join compare_totals
        on
        {%- for column in groups %}
            (
                model_totals.{{ column }} = compare_totals.{{ column }}
                or (model_totals.{{ column }} is null and compare_totals.{{ column }} is null)
            ) and
        {%- endfor %}
            true
),

failures as (
    select
        *,
        {{ tolerance }} as tolerance
    from compared
    where abs(difference) > {{ tolerance }}
)

select * from failures

{% endtest %}
