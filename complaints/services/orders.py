"""Supervision orders (督办单) from a city or province bureau to a district."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureaus import rls
from bureaus.models import Bureau
from bureaus.permissions import membership_may
from complaints.models import ComplaintEvent, SupervisionOrder
from complaints.services.timeline import event_add
from core import deadlines, notifications
from core.numbering import next_number
from core.workflow import Transition, Workflow

E = ComplaintEvent.Kind

ANSWERING = Workflow(
    transitions=[
        Transition(
            "answer",
            {SupervisionOrder.Status.OPEN},
            SupervisionOrder.Status.ANSWERED,
            "supervisionorder.answer",
            refusal=gettext_lazy("This supervision order has already been answered."),
        )
    ],
    refusal=gettext_lazy("This supervision order has already been answered."),
)


def supervision_order_allowed_steps(order: SupervisionOrder) -> list[str]:
    """The steps a supervision order may take now: only an open order is answered."""
    return ANSWERING.open_to(order)


def _link(order) -> str:
    return f"/complaints/supervision/{order.pk}/"


@transaction.atomic
def supervision_order_issue(
    *, actor, district: Bureau, subject: str, instructions: str, due_on: dt.date, complaint=None
) -> SupervisionOrder:
    """A city or province supervisor sends a supervision order (督办单) to a district below
    their bureau, about a tip-off of that district or another matter, with an answer date.
    Its number (DB<bureau>-<year>-<n>) comes from the issuing bureau's gap-free counter, so
    orders issued at the same moment get consecutive numbers."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "supervisionorder.issue"):
        raise PermissionDenied
    if not district.is_district or not district.is_within(membership.bureau):
        raise ValidationError({"district": _("Choose a district under your bureau.")})
    if complaint is not None and complaint.bureau_id != district.pk:
        raise ValidationError({"complaint": _("This tip-off belongs to another district.")})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": _("The answer date must be in the future.")})
    order = SupervisionOrder(
        bureau=district,
        issued_by=membership.bureau,
        issued_by_user=actor,
        complaint=complaint,
        subject=subject,
        instructions=instructions,
        due_on=due_on,
        number="-",
    )
    order.full_clean(exclude=["number"])
    year = timezone.localdate().year
    n = next_number(bureau=membership.bureau, kind="supervision-order", year=year)
    order.number = f"DB{membership.bureau.code}-{year}-{n:04d}"
    # The order, its event and the notices are the district's rows, written by its superior.
    with rls.writing_into(district, reason="supervision order (督办单) to a district below"):
        order.save()
        if complaint is not None:
            event_add(complaint, kind=E.SUPERVISION, actor=actor, note=order.number)
        notifications.notify_many(
            users=notifications.district_staff(district.pk, action="supervisionorder.answer"),
            bureau_id=district.pk,
            message=_("Supervision order %(number)s from %(bureau)s: answer by %(due)s.")
            % {"number": order.number, "bureau": membership.bureau.name, "due": due_on},
            link=_link(order),
            key=f"order-issued:{order.pk}",
        )
    return order


@transaction.atomic
def supervision_order_answer(*, actor, order: SupervisionOrder, answer: str) -> SupervisionOrder:
    """The district reports what it did about a supervision order."""
    step = ANSWERING.begin(order, "answer", actor=actor)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    order = step.record
    order.answer = answer.strip()
    order.answered_at = timezone.now()
    order.answered_by = actor
    order = step.finish(fields=["answer", "answered_at", "answered_by"])
    if order.complaint_id:
        event_add(order.complaint, kind=E.SUPERVISION, actor=actor, note=order.number)
    return order


def supervision_orders_mark_overdue(*, today: dt.date) -> int:
    """Flag unanswered supervision orders past their date, for the district and the issuer."""
    marked = deadlines.mark_overdue(SupervisionOrder.objects.all(), today=today)
    for order in SupervisionOrder.objects.filter(pk__in=marked).select_related("issued_by_user"):
        message = _("Supervision order %(number)s is overdue: the answer was due on %(due)s.") % {
            "number": order.number,
            "due": order.due_on.isoformat(),
        }
        key = f"order-overdue:{order.pk}"
        notifications.notify_many(
            users=notifications.district_staff(order.bureau_id, action="deadline.escalate"),
            bureau_id=order.bureau_id,
            message=message,
            link=_link(order),
            key=key,
        )
        notifications.notify(
            user=order.issued_by_user,
            bureau_id=order.issued_by_id,
            message=message,
            link=_link(order),
            key=key,
        )
    return len(marked)
