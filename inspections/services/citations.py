"""A tip-off concluded citing a visit of the same institution (the case chain: tip-off →
visit → … → the tip-off's conclusion). The conclusion goes through complaints' own service
(its workflow, handler check and timeline event); the visit is named in the timeline's note
and the link is stored here, in the same transaction — all or nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.services.handling import complaint_conclude
from inspections.models import ComplaintCitation, Inspection


def citable_visits(complaint):
    """The visits a tip-off's conclusion may cite: the district's visits of the tip-off's
    institution that have started (their findings exist)."""
    if complaint.institution_id is None:
        return Inspection.objects.none()
    return (
        Inspection.objects.filter(
            bureau_id=complaint.bureau_id, institution_id=complaint.institution_id
        )
        .exclude(status=Inspection.Status.PLANNED)
        .select_related("share__campaign")
        .order_by("-planned_on", "-pk")
    )


def citation_text(visit: Inspection) -> str:
    return _("Cites the visit of %(date)s (%(campaign)s): %(outcome)s") % {
        "date": visit.planned_on.isoformat(),
        "campaign": visit.share.campaign.name,
        "outcome": visit.get_outcome_display(),
    }


@transaction.atomic
def complaint_conclude_citing_visit(
    *, actor, complaint, inspection: Inspection, outcome: str, public_reply: str, note: str = ""
) -> ComplaintCitation:
    """Conclude the tip-off (complaints' service: handler, state, timeline) citing one of the
    visits of its institution; a visit of another institution or district, or one not yet
    started, is refused on the `inspection` field and nothing is written."""
    if not citable_visits(complaint).filter(pk=inspection.pk).exists():
        raise ValidationError(
            {"inspection": _("Cite a started visit of this tip-off's institution.")}
        )
    visit = Inspection.objects.select_related("share__campaign").get(pk=inspection.pk)
    cited = citation_text(visit)
    complaint_conclude(
        actor=actor,
        complaint=complaint,
        outcome=outcome,
        public_reply=public_reply,
        note=f"{note.strip()} {cited}".strip(),
    )
    citation = ComplaintCitation(complaint=complaint, inspection=visit, cited_by=actor)
    citation.full_clean()
    citation.save()
    return citation
