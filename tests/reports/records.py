"""Makers of the reports app's scoped records for the isolation test (tests/records.py)."""

from tests.reports import periodic_records  # noqa: F401  (registers the periodic reports' makers)
