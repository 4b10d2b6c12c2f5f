{#- True when the CLV Python models run: on DuckDB (in-process Python),
    unless the var `clv_sql_fallback` asks for the SQL fallback. Models that
    read the Python models branch on it, so that other targets (Spark) build
    NULL predictions instead (docs/clv.md). The Python models' own `enabled`
    config in models/intermediate/value/_value__models.yml repeats this
    expression: YAML configs cannot call project macros. -#}
{% macro clv_python_enabled() -%}
    {{ return(target.type == 'duckdb' and not var('clv_sql_fallback', false)) }}
{%- endmacro %}
