"""The case chain shown where the lower apps cannot import us: on a tip-off's page (through
complaints.extensions) the visits it opened and their notices; on an institution's staff page
(through institutions.extensions) its visits and notices. Both read what the signed-in user
may see (visible_to), so a panel never shows another district's work."""

from django.urls import reverse
from django.utils.translation import gettext as _

from bureaus.permissions import membership_may
from complaints.models import Complaint
from inspections.models import ComplaintCitation, Inspection, RectificationNotice
from inspections.services.citations import citable_visits, citation_text

LIMIT = 20


def _visits(user, **filters):
    return (
        Inspection.objects.visible_to(user)
        .filter(**filters)
        .select_related("share__campaign")
        .order_by("-planned_on", "-pk")[:LIMIT]
    )


def _notices_by_visit(user, visit_ids):
    by_visit: dict[int, list] = {}
    for notice in RectificationNotice.objects.visible_to(user).filter(inspection_id__in=visit_ids):
        by_visit.setdefault(notice.inspection_id, []).append(notice)
    return by_visit


def _items(user, visits) -> list[dict]:
    notices = _notices_by_visit(user, [v.pk for v in visits])
    items = []
    for visit in visits:
        items.append(
            {
                "text": _("Visit %(date)s (%(campaign)s): %(status)s, %(outcome)s")
                % {
                    "date": visit.planned_on.isoformat(),
                    "campaign": visit.share.campaign.name,
                    "status": visit.get_status_display(),
                    "outcome": visit.get_outcome_display(),
                },
                "url": reverse("inspections:inspection-detail", args=[visit.pk]),
            }
        )
        for notice in notices.get(visit.pk, []):
            text = _("→ Rectification notice %(number)s, due %(due)s: %(status)s") % {
                "number": notice.number,
                "due": notice.due_on.isoformat(),
                "status": notice.get_status_display(),
            }
            if notice.sanction:
                text += f" · {notice.get_sanction_display()}"
            items.append(
                {"text": text, "url": reverse("inspections:notice-detail", args=[notice.pk])}
            )
    return items


def complaint_panel(request, complaint):
    """The visits a tip-off opened and their notices, and the way to open one."""
    user = request.user
    membership = getattr(user, "membership", None)
    if not membership_may(membership, "inspection.view"):
        return None
    may_open = (
        membership.bureau_id == complaint.bureau_id
        and membership_may(membership, "inspection.change")
        and complaint.institution_id is not None
    )
    items = _items(user, list(_visits(user, complaint=complaint)))
    cited = (
        ComplaintCitation.objects.visible_to(user)
        .filter(complaint=complaint)
        .select_related("inspection__share__campaign")
        .first()
    )
    if cited is not None:
        items.append(
            {
                "text": _("The conclusion: %(citation)s")
                % {"citation": citation_text(cited.inspection)},
                "url": reverse("inspections:inspection-detail", args=[cited.inspection_id]),
            }
        )
    may_cite = (
        membership.bureau_id == complaint.bureau_id
        and membership_may(membership, "complaint.change")
        and complaint.status == Complaint.Status.INVESTIGATING
        and citable_visits(complaint).exists()
    )
    return {
        "title": _("Inspections"),
        "items": items,
        "open_url": reverse("inspections:complaint-visit", args=[complaint.pk]) if may_open else "",
        "cite_url": reverse("inspections:complaint-conclude-citing", args=[complaint.pk])
        if may_cite
        else "",
    }


def institution_panel(request, institution):
    """The institution's visits and their notices (staff page)."""
    user = request.user
    if not membership_may(getattr(user, "membership", None), "inspection.view"):
        return None
    visits = list(_visits(user, institution=institution))
    if not visits:
        return None
    return {"title": _("Inspections"), "items": _items(user, visits)}
