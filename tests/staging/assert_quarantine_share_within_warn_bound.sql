-- Warns when a raw table's quarantined share of delivered rows exceeds var
-- quarantine_warn_share (the error bound is the sibling test).
{{ config(severity='warn') }}

{{ quarantine_share_over_bound(var('quarantine_warn_share')) }}
