{#- The last non-NULL value of an expression in a window frame (the caller
    writes `over (...)` after it), dispatched per adapter. -#}
{% macro last_non_null(expression) -%}
    {{ return(adapter.dispatch('last_non_null', 'customer_segments')(expression)) }}
{%- endmacro %}

{% macro default__last_non_null(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__last_non_null(expression) -%}
    last({{ expression }}, true)
{%- endmacro %}
