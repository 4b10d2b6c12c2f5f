{#- Returns one row per combination of `combination_of_columns` that occurs
    more than once, with the number of rows sharing it. NULLs compare as
    equal (a compound key should not hold NULLs anyway: test not_null). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns = generic_test_column_list(combination_of_columns) -%}
{%- if columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns on " ~ model ~ ": combination_of_columns is empty") }}
{%- endif %}

{{ duplicated_keys(model, columns) }}

{% endtest %}
