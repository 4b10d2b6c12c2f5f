"""Tooling around the customer_segments dbt project."""
