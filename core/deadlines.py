"""One overdue marker for every deadline (core.models.Deadline): a tip-off's reply, a
supervision order's answer, a rectification notice."""

import datetime as dt

from django.db import transaction


def mark_overdue(queryset, *, today: dt.date) -> list[int]:
    """Set `overdue_since = today` on every row of the queryset that is still owed, past its
    due date and not yet marked, in one statement; returns the ids marked now.

    Idempotent: a row is marked once, so the caller notifies exactly the rows returned. Rows
    another run holds locked are skipped (that run marks them)."""
    model = queryset.model
    with transaction.atomic():
        late = (
            queryset.filter(model.owed_q(), due_on__lt=today, overdue_since__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
        )
        ids = list(late)
        if ids:
            model.objects.filter(pk__in=ids).update(overdue_since=today)
    return ids
