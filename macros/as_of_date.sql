{#- The day the run describes, as a scalar subquery on the run-context
    model (the var `as_of_date`, else the latest booked date in the data). -#}
{% macro as_of_date() -%}
    (select as_of_date from {{ ref('stg_run__as_of_dates') }})
{%- endmacro %}
