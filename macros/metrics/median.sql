{#- Exact median (the mean of the two middle values for an even count) as an
    aggregate, dispatched per adapter. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'customer_segments')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
