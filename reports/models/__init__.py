"""The reports app's records. Each part of the work keeps its models in its own module:
`summary` (the roll-up summary tables) and `periodic` (report templates, schedules, archive)."""

from reports.models.periodic import PeriodicReport, ReportKind, ReportSchedule, ReportTemplate  # noqa: F401

from .summary import DistrictSummary  # noqa: F401
