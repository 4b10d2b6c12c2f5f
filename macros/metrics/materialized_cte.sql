{#- `with name as {{ materialized_cte() }} (...)`: asks the engine to compute
    a CTE once instead of inlining it. DuckDB's optimizer takes exponential
    time on long chains of inlined window CTEs (the unrolled label
    propagation); other engines plan them as written. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro duckdb__materialized_cte() -%}
    materialized
{%- endmacro %}
