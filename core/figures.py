"""Dashboard figures that several apps' selectors compute the same way (reports/ reads them)."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth


def monthly_counts(model, *, bureau_ids, since: dt.date, field: str, key: str, into=None) -> dict:
    """The rows of `model` in the districts `bureau_ids` whose date-time `field` falls on or
    after `since`, counted per district and month in one grouped query, added to `into` (or a
    new dict) as {bureau_id: {first day of month: {key: n}}}."""
    result: dict[int, dict] = {} if into is None else into
    grouped = (
        model.objects.filter(bureau_id__in=bureau_ids, **{f"{field}__date__gte": since})
        .annotate(month=TruncMonth(field))
        .values("bureau_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in grouped:
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        result.setdefault(g["bureau_id"], {}).setdefault(month, {})[key] = g["n"]
    return result
