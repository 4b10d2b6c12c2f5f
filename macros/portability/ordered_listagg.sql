{#- String aggregation in a given order, NULL values left out. dbt.listagg
    ignores the order on Spark (collect_list keeps no order): there the
    values are collected with their sort key, sorted, then joined (a NULL
    item is skipped by array_join; no value at all gives NULL). -#}
{% macro ordered_listagg(measure, delimiter_text, order_expression) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'customer_segments')(measure, delimiter_text, order_expression)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_expression) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_expression) }}
{%- endmacro %}

{% macro spark__ordered_listagg(measure, delimiter_text, order_expression) -%}
    case
        when count({{ measure }}) > 0
            then array_join(
                transform(
                    array_sort(collect_list(named_struct(
                        'sort_key', {{ order_expression }}, 'item', {{ measure }}
                    ))),
                    entry -> entry.item
                ),
                {{ delimiter_text }}
            )
    end
{%- endmacro %}
