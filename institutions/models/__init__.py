"""The registry (底数台账): off-campus training institutions and what is on file about them.

`institution` (the institution and its search keys), `records` (licences, sites, staff, status
history, list entries, annual reviews) and `imports` (survey imports). Every model is named
here, as Django loads an app's models from this module."""

from institutions.models.imports import ImportJob
from institutions.models.institution import Institution, pinyin_initials, search_bigrams
from institutions.models.records import (
    EXPIRY_WARNING_DAYS,
    AnnualReview,
    Credential,
    ListEntry,
    Site,
    Staff,
    StatusChange,
)

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "AnnualReview",
    "Credential",
    "ImportJob",
    "Institution",
    "ListEntry",
    "Site",
    "Staff",
    "StatusChange",
    "pinyin_initials",
    "search_bigrams",
]
