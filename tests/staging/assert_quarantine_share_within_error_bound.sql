-- Fails the build when a raw table's quarantined share of delivered rows
-- (readable versions plus unreadable lines) exceeds var quarantine_error_share.
{{ quarantine_share_over_bound(var('quarantine_error_share')) }}
