"""Writes of the courses app: `filing` (submit, check, accept, return), `reference` (vacations,
guidance prices, rule settings), `nightly` (the rule run over every accepted course),
`importing` (timetables from .xlsx)."""
