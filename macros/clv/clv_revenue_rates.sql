{#- The revenue rate of each kind of value-generating transaction
    (int_transactions_valued), from the vars: `card_payment` interchange,
    `investment_buy` entry fee, `other_payment` payment fees and float.
    int_person_value_days_aggregated keeps the rates its rows were computed
    with and rebuilds itself when they change. -#}
{% macro clv_revenue_rates() -%}
    {{ return({
        'card_payment': var('interchange_rate'),
        'investment_buy': var('clv_investment_revenue_rate', 0.01),
        'other_payment': var('clv_payment_revenue_rate', 0.0005)
    }) }}
{%- endmacro %}
