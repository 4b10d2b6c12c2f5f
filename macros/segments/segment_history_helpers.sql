{#- Post-hook of fct_segment_summary: a person missing from the latest
    membership date of the run (erased, or merged into another person) leaves
    no row in fct_segment_membership_history or fct_segment_transitions. It
    runs after the summary has counted the movements of the run, so that a
    replay of many dates counts what the daily runs counted. Skipped when the
    run's dates are older than the history (an out-of-order run changes
    nothing). -#}
{% macro segment_forget_erased_persons() -%}
    {%- set membership = ref('fct_segment_membership') -%}
    {%- set history = ref('fct_segment_membership_history') -%}
    {%- set transitions = ref('fct_segment_transitions') -%}
    {%- set condition -%}
        person_id not in (
            select m.person_id from {{ membership }} as m
            where m.as_of_date = (select max(latest.as_of_date) from {{ membership }} as latest)
        )
        and (select max(latest.as_of_date) from {{ membership }} as latest)
        >= (select max(coalesce(h.valid_to, h.valid_from)) from {{ history }} as h)
    {%- endset -%}
    {#- Without row-level changes (Spark on parquet) the history marts are
        rebuilt from this run's membership: nothing older to forget. -#}
    {%- if supports_row_level_changes() %}
    delete from {{ transitions }} where {{ condition }};
    delete from {{ history }} where {{ condition }}
    {%- endif %}
{%- endmacro %}
