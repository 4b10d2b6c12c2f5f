{#- dbt.dateadd on Spark. dbt-spark's version multiplies the interval
    expression without parentheses (`24 * d + s` hours becomes
    `24 * d + s * 3600` seconds) and drops fractions of a second; Spark's
    timestampadd does neither and, like DuckDB, returns a timestamp for a
    date. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, cast(({{ interval }}) as bigint), {{ from_date_or_timestamp }})
{%- endmacro %}
