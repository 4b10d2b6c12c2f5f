{#- Product family of a product code that the catalogue does not know (other
    banks use other codes). Keyword rules on the upper-case code, first match
    wins; documented in models/intermediate/_intermediate__docs.md. -#}
{% macro derive_product_family(product_code) -%}
    case
        -- transaction accounts first: "demand deposit" and "debit card" accounts are current accounts
        when
            upper({{ product_code }}) like '%CURRENT%'
            or upper({{ product_code }}) like '%CHECK%'
            or upper({{ product_code }}) like '%CHEQU%'
            or upper({{ product_code }}) like '%DEMAND%'
            or upper({{ product_code }}) like '%SIGHT%'
            or upper({{ product_code }}) like '%GIRO%'
            or upper({{ product_code }}) like '%DEBIT%'
            then 'current'
        when upper({{ product_code }}) like '%GREEN%' then 'green_investment'
        -- English keywords, then the usual words of other European banks' codes
        when
            upper({{ product_code }}) like '%SAV%'
            or upper({{ product_code }}) like '%SPAR%'
            or upper({{ product_code }}) like '%EPARGN%'
            or upper({{ product_code }}) like '%AHORR%'
            or upper({{ product_code }}) like '%RISPARM%'
            or upper({{ product_code }}) like '%POUPAN%'
            then 'savings'
        when
            upper({{ product_code }}) like '%TERM%'
            or upper({{ product_code }}) like '%DEPOSIT%'
            or upper({{ product_code }}) like '%FESTGELD%'
            or upper({{ product_code }}) like '%PLAZO%'
            then 'term_deposit'
        when
            upper({{ product_code }}) like '%INVEST%'
            or upper({{ product_code }}) like '%INVERS%'
            or upper({{ product_code }}) like '%FUND%'
            or upper({{ product_code }}) like '%FOND%'
            or upper({{ product_code }}) like '%ETF%'
            or upper({{ product_code }}) like '%BROKER%'
            or upper({{ product_code }}) like '%DEPOT%'
            then 'investment'
        when
            upper({{ product_code }}) like '%CARD%'
            or upper({{ product_code }}) like '%KARTE%'
            or upper({{ product_code }}) like '%CARTE%'
            or upper({{ product_code }}) like '%TARJETA%'
            then 'credit_card'
        when
            upper({{ product_code }}) like '%MORTG%'
            or upper({{ product_code }}) like '%HIPOTEC%'
            or upper({{ product_code }}) like '%HYPOTH%'
            or upper({{ product_code }}) like '%IPOTEC%'
            then 'mortgage'
        when
            upper({{ product_code }}) like '%LOAN%'
            or upper({{ product_code }}) like '%KREDIT%'
            or upper({{ product_code }}) like '%PRESTAMO%'
            or upper({{ product_code }}) like '%CREDIT%'
            then 'personal_loan'
        else 'current'
    end
{%- endmacro %}

{#- Family flags shared by catalogued and derived families. -#}
{% macro is_savings_family(product_family) -%}
    ({{ product_family }} in ('savings', 'term_deposit'))
{%- endmacro %}

{% macro is_investment_family(product_family) -%}
    ({{ product_family }} in ('investment', 'green_investment'))
{%- endmacro %}

{% macro is_credit_family(product_family) -%}
    ({{ product_family }} in ('credit_card', 'personal_loan', 'mortgage'))
{%- endmacro %}

{#- Whether an account is open on `on_date`: opened by then, and neither a
    closing date nor (when the closing date is unknown) a `closed` status
    applies by then. -#}
{% macro is_account_open_on(opened_date, closed_date, status, on_date) -%}
    (
        {{ opened_date }} <= {{ on_date }}
        and case
            when {{ closed_date }} is not null then {{ closed_date }} > {{ on_date }}
            else coalesce({{ status }}, 'active') <> 'closed'
        end
    )
{%- endmacro %}
