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

{#- `with name as {{ inlined_cte() }} (...)`: asks the engine to inline a CTE
    in every place that reads it. DuckDB keeps a CTE read more than once as a
    copy, in memory and then spilled to disk; for a wide pass-through of a big
    table (every transaction version) reading the table again is far cheaper.
    At 1,000,000 persons such copies filled the disk. -#}
{% macro inlined_cte() -%}
    {{ return(adapter.dispatch('inlined_cte', 'customer_segments')()) }}
{%- endmacro %}

{% macro default__inlined_cte() -%}
{%- endmacro %}

{% macro duckdb__inlined_cte() -%}
    not materialized
{%- endmacro %}
