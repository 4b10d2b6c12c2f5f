{#- Engine settings applied once per dbt invocation (on-run-start), before any
    model runs. DuckDB: hash tables are built on the written right side of a
    join. Its estimates of filtered fact tables are far too small (17 million
    transactions estimated as tens of thousands of rows), and it then built
    the hash table on them instead of on the dimension they join (out of
    memory with 5GB at 100,000 persons); models write `fact join dimension`.
    Set here and not in the profile's `settings`: dbt-duckdb applies those on
    every new cursor, and this option is global, so other threads' queries
    were being planned while it was replaced (DuckDB crashed once in
    that). -#}
{% macro engine_settings() %}
    {{ return(adapter.dispatch('engine_settings', 'customer_segments')()) }}
{% endmacro %}

{% macro default__engine_settings() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__engine_settings() %}
    {{ return("set global disabled_optimizers = 'build_side_probe_side'") }}
{% endmacro %}
