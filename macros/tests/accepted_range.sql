{#- Returns the rows whose `column_name` lies outside [min_value, max_value]
    (or the open interval when inclusive=false). NULL values are left to
    not_null. At least one bound is required. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true, where=none) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "accepted_range on " ~ model ~ "." ~ column_name ~ ": give min_value, max_value or both") }}
{%- endif -%}
{%- set lower_op = '>=' if inclusive else '>' -%}
{%- set upper_op = '<=' if inclusive else '<' %}

with rows_in_scope as (
    select * from {{ model }}
    where {{ generic_test_where(where) }}
),

failures as (
    select * from rows_in_scope
    where
        {{ column_name }} is not null
        and not (
            true
            {%- if min_value is not none %}
                and {{ column_name }} {{ lower_op }} {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
                and {{ column_name }} {{ upper_op }} {{ max_value }}
            {%- endif %}
        )
)

select * from failures

{% endtest %}
