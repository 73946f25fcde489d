"""Cell parsers: what a person typed in a cell, as text, a date or one of a set of choices,
with the row's errors collected per column."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def text(value) -> str:
    """A cell as text: an integral number without ".0", a date-time as its date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def date(value):
    """A date from a cell; None when empty; raises ValueError when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


@dataclass
class RowResult:
    """One checked row: the values read from it and its errors as (column key, reason)."""

    line: int
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def error(self, key, reason):
        self.errors.append((key, reason))


def choice(row: RowResult, raw: dict, key: str, mapping: dict, default=None):
    """The stored value of a cell that must be one of `mapping`'s labels; an empty cell is
    `default` (an error when there is none)."""
    label = text(raw.get(key))
    if not label:
        if default is None:
            row.error(key, _("This column is required."))
        return default
    if label not in mapping:
        row.error(
            key,
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": label, "choices": "、".join(dict.fromkeys(mapping))},
        )
        return default
    return mapping[label]
