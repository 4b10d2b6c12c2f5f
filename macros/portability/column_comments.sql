{#- dbt-spark's get_column_comment_sql, for the column list of a view. A
    Hive metastore (the embedded Derby one of a local session, and the
    usual MySQL/Postgres ones of a cluster) stores at most 256 characters
    per column comment, and retries for seconds before it gives up on a
    longer one: the comment keeps its first 255 characters and an ellipsis.
    dbt-databricks (Unity Catalog) does not use this macro. -#}
{% macro get_column_comment_sql(column_name, column_dict) -%}
    {%- set column_comment_clause = '' -%}
    {%- if column_name in column_dict and column_dict[column_name]["description"] -%}
        {%- set description = column_dict[column_name]["description"] -%}
        {%- if description | length > 256 -%}
            {%- set description = description[:255] ~ '…' -%}
        {%- endif -%}
        {%- set column_comment_clause = "comment '" ~ (description | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" -%}
    {%- endif -%}
    {{ adapter.quote(column_name) }} {{ column_comment_clause }}
{%- endmacro %}
