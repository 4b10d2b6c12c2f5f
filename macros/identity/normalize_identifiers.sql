{#-
    Normalised personal identifiers (raw-contract.md, customers): records
    that share one of them belong to the same person. Every macro takes a
    cleaned expression (trimmed, empty string as NULL) and gives NULL when
    nothing usable is left, so that NULL never matches.
-#}

{#- National id: letters and digits only, upper case. -#}
{% macro normalize_national_id(expression) -%}
    nullif(upper({{ replace_pattern(expression, '[^A-Za-z0-9]', '') }}), '')
{%- endmacro %}


{#- E-mail: trimmed, lower case. -#}
{% macro normalize_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}


{#- Country (ISO 3166-1 alpha-2) to (calling code, national trunk prefix)
    for the EU/EEA, the UK, Switzerland, the US and a few neighbours. The
    trunk prefix is dropped from a national number before the calling code is
    put in front (`06 12 34 56 78` in FR is +33612345678); Italy, San Marino
    and the Vatican keep their leading 0. -#}
{% macro phone_calling_codes() %}
    {{ return({
        'AT': ('43', '0'), 'BE': ('32', '0'), 'BG': ('359', '0'), 'HR': ('385', '0'),
        'CY': ('357', ''), 'CZ': ('420', ''), 'DK': ('45', ''), 'EE': ('372', ''),
        'FI': ('358', '0'), 'FR': ('33', '0'), 'DE': ('49', '0'), 'GR': ('30', ''),
        'HU': ('36', '06'), 'IE': ('353', '0'), 'IT': ('39', ''), 'LV': ('371', ''),
        'LT': ('370', '8'), 'LU': ('352', ''), 'MT': ('356', ''), 'NL': ('31', '0'),
        'PL': ('48', ''), 'PT': ('351', ''), 'RO': ('40', '0'), 'SK': ('421', '0'),
        'SI': ('386', '0'), 'ES': ('34', ''), 'SE': ('46', '0'),
        'IS': ('354', ''), 'LI': ('423', ''), 'NO': ('47', ''),
        'GB': ('44', '0'), 'CH': ('41', '0'), 'US': ('1', '1'), 'CA': ('1', '1'),
        'AD': ('376', ''), 'MC': ('377', ''), 'SM': ('378', ''), 'VA': ('379', ''),
        'GI': ('350', '')
    }) }}
{% endmacro %}


{#- Phone to E.164 (`+` and 8 to 15 digits). `+` or `00` mark an
    international number; any other number takes the calling code of the
    row's country. An unknown or missing country leaves such a number NULL:
    guessing a country would link strangers. A `(0)` after the calling code
    (`+44 (0)20 ...`) is dropped. -#}
{% macro normalize_phone(phone_expression, country_code_expression) %}
    {% set cleaned = replace_pattern(phone_expression, '[(]0[)]', '') %}
    {% set digits = replace_pattern(cleaned, '[^0-9]', '') %}
    {% set e164 %}
        case
            when trim({{ cleaned }}) like '+%' then '+' || {{ digits }}
            when {{ digits }} like '00%' then '+' || substr({{ digits }}, 3)
            {%- for country, codes in phone_calling_codes().items() | sort %}
            when upper({{ country_code_expression }}) = '{{ country }}' then '+{{ codes[0] }}' || {{
                'case when ' ~ digits ~ " like '" ~ codes[1] ~ "%' then substr(" ~ digits ~ ', '
                ~ (codes[1] | length + 1) ~ ') else ' ~ digits ~ ' end' if codes[1] else digits
            }}
            {%- endfor %}
        end
    {% endset %}
    {% set normalized -%}
        case
            when {{ matches_pattern(e164, '[+][0-9]{8,15}') }} then {{ e164 }}
        end
    {%- endset %}
    {{ return(normalized) }}
{% endmacro %}


{#- Free text such as a counterparty or merchant name: trimmed, inner white
    space collapsed, upper case. -#}
{% macro normalize_name(expression) -%}
    nullif(upper(trim({{ replace_pattern(expression, whitespace_pattern() ~ '+', ' ') }})), '')
{%- endmacro %}
