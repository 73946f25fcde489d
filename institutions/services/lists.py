"""White and black lists (白名单/黑名单, seeds 001 篇1 篇5, 004): decided, published, lifted."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions import rules
from institutions.models import Institution, ListEntry
from institutions.services.credentials import valid_credential_kinds

S = Institution.Status


def lift_active(institution, kind, *, reason):
    """Lift the institution's active entry of this list, if any (the entry stays in history)."""
    for entry in ListEntry.objects.filter(
        institution=institution, kind=kind, lifted_on__isnull=True
    ):
        entry.lifted_on = timezone.localdate()
        entry.lift_reason = reason
        entry.save()


def _white_list_refusal(institution, *, active, today) -> str | None:
    if ListEntry.Kind.BLACK in active:
        return _("A black-listed institution cannot be put on the white list.")
    if institution.status == S.BANNED:
        return _("A banned institution cannot be put on the white list.")
    if institution.status != S.NORMAL:
        return _("Only an operating institution can be put on the white list.")
    # seed 003 §12: 审批通过的纳入白名单 — the white list is of approved institutions.
    if rules.SCHOOL_LICENCE not in valid_credential_kinds(institution, today):
        return _(
            "Only an institution with a valid school-running licence can be put on the white list."
        )
    # A white list tells parents the institution keeps the rules: not one flagged as breaking
    # one (e.g. an academic institution still for-profit, seed 003 §13).
    broken = rules.broken_rules(institution.warning_codes)
    if broken:
        return _(
            "An institution with rule warnings (%(warnings)s) cannot be put on the white list."
        ) % {"warnings": "；".join(str(label) for label in rules.labels(broken))}
    return None


@transaction.atomic
def list_entry_add(
    *,
    actor,
    institution: Institution,
    kind: str,
    reason: str = "",
    decided_on=None,
    publish: bool = False,
) -> ListEntry:
    """Put an institution on the white list or the black list (seeds 001 篇1 篇5, 004)."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    reason = (reason or "").strip()
    today = timezone.localdate()
    active = set(
        ListEntry.objects.filter(institution=institution, lifted_on__isnull=True).values_list(
            "kind", flat=True
        )
    )
    if kind not in ListEntry.Kind.values:
        raise ValidationError({"kind": [_("Choose the white list or the black list.")]})
    if kind in active:
        raise ValidationError({"kind": [_("This institution is already on this list.")]})
    if kind == ListEntry.Kind.BLACK:
        if not reason:
            raise ValidationError({"reason": [_("A black-list entry needs a reason.")]})
        lift_active(institution, ListEntry.Kind.WHITE, reason=_("Put on the black list."))
    else:
        refusal = _white_list_refusal(institution, active=active, today=today)
        if refusal:
            raise ValidationError({"kind": [refusal]})
    entry = ListEntry(
        institution=institution,
        kind=kind,
        reason=reason,
        decided_on=decided_on or today,
        published_on=today if publish else None,
    )
    entry.save()
    return entry


@transaction.atomic
def list_entry_publish(*, actor, entry: ListEntry, published_on=None) -> ListEntry:
    """Publish a decided entry: from then on the public list shows it."""
    locked = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.lifted_on is not None:
        raise ValidationError(_("A lifted entry cannot be published."))
    if locked.published_on is None:
        locked.published_on = published_on or timezone.localdate()
        locked.save(update_fields=["published_on"])
    entry.published_on = locked.published_on
    return entry


@transaction.atomic
def list_entry_lift(*, actor, entry: ListEntry, reason: str, lifted_on=None) -> ListEntry:
    """Take an institution off a list, with the reason (the entry stays in the history)."""
    locked = ListEntry.objects.select_for_update().get(pk=entry.pk)
    reason = (reason or "").strip()
    if locked.lifted_on is not None:
        raise ValidationError(_("This entry has already been lifted."))
    if not reason:
        raise ValidationError({"lift_reason": [_("Give the reason for lifting this entry.")]})
    locked.lifted_on = lifted_on or timezone.localdate()
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_on", "lift_reason"])
    entry.lifted_on, entry.lift_reason = locked.lifted_on, locked.lift_reason
    return entry
