"""Survey import (摸排造册, seed 001 篇1 篇5) and spreadsheet export of the registry.

A district uploads an .xlsx or .csv with the template's Chinese headers. The file is refused as
a whole (nothing written) when it is not what it claims to be, too large, unreadable or has the
wrong headers. Otherwise every row is checked against the same rules the services apply
(`institutions.rules`); good rows create or update institutions matched by credit code (never
duplicated), bad rows are reported by row, column and reason, and all writes of one import
happen in one transaction, audited.

Modules: `columns` (the template's columns and their values), `rows` (one row's cells),
`plan` (rows matched to the registry and its rules), `jobs` (the background job) and
`workbooks` (template, error report and export).
"""
