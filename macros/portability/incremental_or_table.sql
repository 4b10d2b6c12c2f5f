{#- Models that merge or delete rows between runs need a table format with
    row-level changes: every adapter but Spark on plain parquet (a local
    session). There they are rebuilt as plain tables on every run, so a
    history mart holds what one run (or one replay) computes. -#}
{% macro supports_row_level_changes() -%}
    {{ return(target.type != 'spark' or env_var('SPARK_FILE_FORMAT', 'parquet') | lower in ['delta', 'iceberg', 'hudi']) }}
{%- endmacro %}

{#- The materialization of an incremental model on this adapter. -#}
{% macro incremental_or_table() -%}
    {{ return('incremental' if supports_row_level_changes() else 'table') }}
{%- endmacro %}
