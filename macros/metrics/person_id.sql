{#- Stable surrogate person keys. A customer person is keyed by the smallest
    customer_id of its records, a prospect by its smallest digital_user_id;
    the prefix keeps the two key spaces apart. -#}
{% macro customer_person_id(root_customer_id) -%}
    {{ dbt.hash(dbt.concat(["'customer|'", root_customer_id])) }}
{%- endmacro %}

{% macro prospect_person_id(root_digital_user_id) -%}
    {{ dbt.hash(dbt.concat(["'prospect|'", root_digital_user_id])) }}
{%- endmacro %}
