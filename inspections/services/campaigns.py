"""Issuing a campaign: its phases, the checklist it freezes and one share per district."""

import datetime as dt
from contextlib import ExitStack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bureaus import rls
from bureaus.models import Bureau
from bureaus.permissions import membership_may
from inspections.models import (
    DEFAULT_REPORT_DAYS,
    Campaign,
    CampaignItem,
    CampaignPhase,
    CampaignShare,
    ChecklistItem,
    ChecklistTemplate,
)


def templates_for(bureau) -> "list[ChecklistTemplate]":
    """The national templates and the bureau's own copies."""
    return ChecklistTemplate.objects.filter(Q(bureau__isnull=True) | Q(bureau=bureau))


@transaction.atomic
def checklist_template_copy(
    *, actor, template: ChecklistTemplate, name: str = ""
) -> ChecklistTemplate:
    """A bureau's own copy of a template, to adapt; campaigns issued before keep their items."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "campaign.change"):
        raise PermissionDenied
    if not templates_for(membership.bureau).filter(pk=template.pk).exists():
        raise ValidationError({"template": _("Choose a checklist of your bureau.")})
    copy = ChecklistTemplate.objects.create(
        name=name or template.name, source=str(template), bureau=membership.bureau
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(template=copy, area=i.area, text=i.text, position=i.position)
            for i in template.items.all()
        ]
    )
    return copy


@transaction.atomic
def checklist_item_add(*, actor, template: ChecklistTemplate, area: str, text: str):
    """Add an item to the bureau's own template (a national one is copied first)."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "campaign.change"):
        raise PermissionDenied
    if template.bureau_id != membership.bureau_id:
        raise ValidationError({"template": _("Copy the checklist before changing it.")})
    ChecklistTemplate.objects.filter(pk=template.pk).update(version=template.version + 1)
    template.version += 1
    last = template.items.order_by("-position").values_list("position", flat=True).first() or 0
    return ChecklistItem.objects.create(
        template=template, area=area.strip(), text=text.strip(), position=last + 1
    )


def _districts_for(bureau: Bureau, chosen) -> list[Bureau]:
    if bureau.is_district:
        return [bureau]
    below = [b for b in Bureau.objects.filter(pk__in=bureau.subtree_ids()) if b.is_district]
    if not chosen:
        return below
    ids = {b.pk for b in below}
    if any(getattr(d, "pk", d) not in ids for d in chosen):
        raise ValidationError({"districts": _("Choose districts under your bureau.")})
    return [b for b in below if b.pk in {getattr(d, "pk", d) for d in chosen}]


@transaction.atomic
def campaign_issue(
    *,
    actor,
    name: str,
    kind: str,
    template: ChecklistTemplate,
    starts_on: dt.date,
    ends_on: dt.date,
    phases=(),
    report_days=None,
    districts=None,
) -> Campaign:
    """A district issues a campaign for itself; a city or province issues it to its districts
    (all of them, or those chosen), each getting a share it runs. The checklist's items are
    copied into the campaign: later edits of the template never change it.
    `phases` is a list of (name, starts_on, ends_on)."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "campaign.change"):
        raise PermissionDenied
    bureau = membership.bureau
    if not templates_for(bureau).filter(pk=template.pk).exists():
        raise ValidationError({"template": _("Choose a checklist of your bureau.")})
    if not template.items.exists():
        raise ValidationError({"template": _("This checklist has no items.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    days = sorted(set(report_days if report_days is not None else DEFAULT_REPORT_DAYS))
    if any(not 1 <= d <= 28 for d in days):
        raise ValidationError({"report_days": _("Reporting days are between the 1st and 28th.")})
    errors = []
    for phase_name, start, end in phases:
        if end < start or start < starts_on or end > ends_on:
            errors.append(
                _("Phase “%(name)s” must lie within the campaign and end after it starts.")
                % {"name": phase_name}
            )
    if errors:
        raise ValidationError({"phases": errors})
    targets = _districts_for(bureau, districts)
    if not targets:
        raise ValidationError({"districts": _("There is no district under your bureau.")})
    campaign = Campaign(
        bureau=bureau,
        name=name.strip(),
        kind=kind,
        template=template,
        template_version=template.version,
        starts_on=starts_on,
        ends_on=ends_on,
        report_days=days,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    CampaignPhase.objects.bulk_create(
        [
            CampaignPhase(campaign=campaign, name=n, starts_on=s, ends_on=e, position=i)
            for i, (n, s, e) in enumerate(phases)
        ]
    )
    CampaignItem.objects.bulk_create(
        [
            CampaignItem(campaign=campaign, area=i.area, text=i.text, position=i.position)
            for i in template.items.all()
        ]
    )
    with ExitStack() as stack:
        # Each share is the district's row (bureaus.rls): a city or province writes into the
        # districts below it, as a supervision order does.
        for district in targets:
            stack.enter_context(rls.writing_into(district, reason="campaign share"))
        CampaignShare.objects.bulk_create(
            [CampaignShare(campaign=campaign, bureau=d) for d in targets]
        )
    return campaign


def report_dates(campaign: Campaign) -> list[dt.date]:
    """The reporting dates (13th and 27th by default) between the campaign's start and end."""
    out, day = [], campaign.starts_on.replace(day=1)
    while day <= campaign.ends_on:
        for d in campaign.report_days:
            date = day.replace(day=d)
            if campaign.starts_on <= date <= campaign.ends_on:
                out.append(date)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out
