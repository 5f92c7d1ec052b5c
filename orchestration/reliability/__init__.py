"""Crash safety helpers: fault injection for the crash tests and a dbt that dies with its parent."""
