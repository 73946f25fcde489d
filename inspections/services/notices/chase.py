"""The chase of the notices: the district's policy for escalating to the city and the
periodic job (remind, mark overdue, escalate to the district and the city, the institutions'
warnings), set-based and idempotent."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.permissions import membership_may
from core import deadlines, notifications
from core.workdays import add_working_days
from inspections import warnings
from inspections.models import InspectionPolicy, RectificationNotice
from inspections.services.figures import figures_add_overdue
from inspections.services.notices.workflow import REMIND_WORKING_DAYS, N, link


def city_escalation_days(bureau_ids) -> dict[int, int]:
    """Each district's further period (working days) before an escalated notice goes to the
    city: its InspectionPolicy, else the default."""
    bureau_ids = set(bureau_ids)
    default = InspectionPolicy._meta.get_field("city_escalation_days").default
    found = dict(
        InspectionPolicy.objects.filter(bureau_id__in=bureau_ids).values_list(
            "bureau_id", "city_escalation_days"
        )
    )
    return {pk: found.get(pk, default) for pk in bureau_ids}


def policy_set(*, actor, city_escalation_days: int) -> InspectionPolicy:
    """The acting district's period before an escalated notice goes on to the city."""
    membership = getattr(actor, "membership", None)
    if membership is None or not membership_may(membership, "inspectionpolicy.change"):
        raise PermissionDenied
    policy = InspectionPolicy.objects.filter(bureau_id=membership.bureau_id).first()
    policy = policy or InspectionPolicy(bureau_id=membership.bureau_id)
    policy.city_escalation_days = city_escalation_days
    policy.full_clean()
    policy.save()
    return policy


def _lock_ids(queryset) -> list[int]:
    """The ids of the rows this run takes (rows another run holds locked are its own)."""
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)
    )


class _Staff:
    """Whom to tell in each bureau, read once per bureau per run."""

    def __init__(self, action: str):
        self.action, self.cache = action, {}

    def __call__(self, bureau_id: int) -> list:
        if bureau_id not in self.cache:
            self.cache[bureau_id] = notifications.district_staff(bureau_id, action=self.action)
        return self.cache[bureau_id]


def _escalate_to_district(today: dt.date) -> int:
    """The newly overdue notices (still issued): escalated in one statement (audited as a bulk
    update), then the district's administrators are told, once per notice."""
    with transaction.atomic():
        ids = _lock_ids(
            RectificationNotice.objects.filter(status=N.ISSUED, overdue_since__isnull=False)
        )
        if not ids:
            return 0
        RectificationNotice.objects.filter(pk__in=ids).update(
            status=N.ESCALATED, escalated_at=timezone.now()
        )
    staff = _Staff("deadline.escalate")
    rows = RectificationNotice.objects.filter(pk__in=ids).values_list(
        "pk", "bureau_id", "number", "due_on"
    )
    notifications.notify_bulk(
        (
            user,
            bureau_id,
            _("Rectification notice %(number)s is overdue: it was due on %(due)s.")
            % {"number": number, "due": due_on.isoformat()},
            link(pk),
            f"notice-escalated:{pk}:{due_on.isoformat()}",
        )
        for pk, bureau_id, number, due_on in rows.iterator()
        for user in staff(bureau_id)
    )
    return len(ids)


def _escalate_to_city(today: dt.date) -> list[int]:
    """Notices still escalated (nothing received) once the district's further period has run
    since they went overdue: marked in one statement, then the city's staff are told, once."""
    waiting = RectificationNotice.objects.filter(status=N.ESCALATED, city_escalated_at__isnull=True)
    candidates = list(waiting.values_list("pk", "bureau_id", "overdue_since"))
    if not candidates:
        return []
    days = city_escalation_days(b for _pk, b, _since in candidates)
    limits: dict[tuple, dt.date] = {}
    due_ids = []
    for pk, bureau_id, since in candidates:
        key = (since, days[bureau_id])
        if key not in limits:
            limits[key] = add_working_days(since, days[bureau_id])
        if limits[key] <= today:
            due_ids.append(pk)
    if not due_ids:
        return []
    with transaction.atomic():
        ids = _lock_ids(waiting.filter(pk__in=due_ids))
        RectificationNotice.objects.filter(pk__in=ids).update(city_escalated_at=timezone.now())
    staff = _Staff("campaign.change")
    rows = RectificationNotice.objects.filter(pk__in=ids).values_list(
        "pk",
        "bureau__parent_id",
        "bureau__name",
        "inspection__institution__name",
        "number",
        "due_on",
    )
    notifications.notify_bulk(
        (
            user,
            city_id,
            _(
                "Rectification notice %(number)s of %(district)s (%(institution)s) is still "
                "overdue: it was due on %(due)s."
            )
            % {
                "number": number,
                "district": district,
                "institution": institution,
                "due": due_on.isoformat(),
            },
            link(pk),
            f"notice-city:{pk}:{due_on.isoformat()}",
        )
        for pk, city_id, district, institution, number, due_on in rows.iterator()
        if city_id is not None
        for user in staff(city_id)
    )
    return ids


def notices_chase(*, today: dt.date | None = None) -> dict:
    """The periodic job: remind 3 working days before the deadline, mark overdue the day
    after it, escalate the newly overdue to the district administrators, and those still
    overdue after the district's further period (InspectionPolicy) to the city. Set-based and
    idempotent: a second run on the same day marks, escalates and sends nothing."""
    today = today or timezone.localdate()
    remind_until = add_working_days(today, REMIND_WORKING_DAYS)
    owed = RectificationNotice.objects.filter(RectificationNotice.owed_q())
    soon = owed.filter(due_on__gte=today, due_on__lte=remind_until).values_list(
        "pk", "issued_by_id", "bureau_id", "number", "due_on"
    )
    reminded = notifications.notify_bulk(
        (
            issued_by,
            bureau_id,
            _("Rectification notice %(number)s is due on %(due)s.")
            % {"number": number, "due": due_on.isoformat()},
            link(pk),
            f"notice-remind:{pk}:{due_on.isoformat()}",
        )
        for pk, issued_by, bureau_id, number, due_on in soon.iterator()
    )
    with transaction.atomic():
        marked = deadlines.mark_overdue(RectificationNotice.objects.all(), today=today)
        figures_add_overdue(marked)
    escalated = _escalate_to_district(today)
    city_ids = _escalate_to_city(today)
    # The institutions' warnings (overdue, escalated to the city): those of the notices this
    # run marked or sent to the city, set-based and idempotent (every transition of a notice
    # puts its institution's warnings right in its own transaction; warnings.sync_all() is
    # the full pass, for data loaded in bulk).
    changed = warnings.institutions_sync(
        RectificationNotice.objects.filter(pk__in=[*marked, *city_ids])
        .values_list("inspection__institution_id", flat=True)
        .distinct()
    )
    return {
        "reminded": reminded,
        "marked": len(marked),
        "escalated": escalated,
        "city": len(city_ids),
        "warnings": changed,
    }
