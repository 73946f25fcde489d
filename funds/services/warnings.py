"""Fund warnings (资金预警): computed for an account after each entry and by the periodic job,
idempotently (one unresolved warning per account and key); acknowledged with a note and
resolved by staff through the workflow, a warning about a state resolved by the job once the
state is gone (and refused to staff while it lasts)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notifications import district_staff, notify_many
from core.workflow import Transition, Workflow
from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry
from funds.panels import institutions_sync
from funds.services.ledger import unconsumed_fen
from funds.services.thresholds import limits_for

W = FundWarning
S = FundWarning.Status
K = FundWarning.Kind
# How far back the job looks for large movements (older ones were seen by earlier runs).
OUTFLOW_LOOKBACK_DAYS = 7

WARNING_FLOW = Workflow(
    transitions=[
        Transition(
            "acknowledge",
            {S.OPEN},
            S.ACKNOWLEDGED,
            "fundwarning.acknowledge",
            gettext_lazy("acknowledged"),
        ),
        Transition(
            "resolve",
            {S.OPEN, S.ACKNOWLEDGED},
            S.RESOLVED,
            "fundwarning.resolve",
            gettext_lazy("resolved"),
        ),
    ],
    refusal=gettext_lazy("A warning that is “%(status)s” cannot be %(action)s."),
)


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def minimum_for(account: EscrowAccount) -> int:
    return limits_for(account, unconsumed_fen(account.institution_id))[0]


def thresholds_of(account: EscrowAccount) -> tuple[int, int]:
    """(minimum balance, yellow threshold) in force for the account, in fen."""
    return limits_for(account, unconsumed_fen(account.institution_id))


def state_conditions(account: EscrowAccount, *, today: dt.date, cache=None) -> dict[str, tuple]:
    """The state warnings that hold now: key → (kind, level, detail)."""
    found = {}
    liability = unconsumed_fen(account.institution_id)
    minimum, yellow_threshold = limits_for(account, liability, cache=cache)
    balance = account.balance_fen
    if balance < minimum:
        found[K.BELOW_MINIMUM] = (
            K.BELOW_MINIMUM,
            W.Level.RED,
            _("Balance %(balance)s yuan is below the minimum %(minimum)s yuan.")
            % {"balance": yuan(balance), "minimum": yuan(minimum)},
        )
    elif balance < yellow_threshold:
        found[K.BELOW_THRESHOLD] = (
            K.BELOW_THRESHOLD,
            W.Level.YELLOW,
            _("Balance %(balance)s yuan is below the warning threshold %(threshold)s yuan.")
            % {"balance": yuan(balance), "threshold": yuan(yellow_threshold)},
        )
    if liability > 0 and balance < liability:
        found[K.COVERAGE] = (
            K.COVERAGE,
            W.Level.RED if balance * 2 < liability else W.Level.YELLOW,
            _("Balance covers %(ratio)s of the unconsumed fees (%(liability)s yuan).")
            % {"ratio": f"{balance / liability:.0%}", "liability": yuan(liability)},
        )
    cutoff = today - dt.timedelta(days=account.deposit_within_days)
    # Deposited = fee entries net of their reversals (both carry the fee record).
    late = (
        FeeRecord.objects.filter(institution_id=account.institution_id, collected_on__lt=cutoff)
        .annotate(
            deposited=Coalesce(
                Sum("entries__amount_fen", filter=Q(entries__kind__in=["fee", "adjustment"])),
                Value(0),
            )
        )
        .filter(deposited__lt=F("amount_fen"))
        .count()
    )
    last = (
        LedgerEntry.objects.filter(account=account, booked_on__lte=today)
        .order_by("-booked_on")
        .values_list("booked_on", flat=True)
        .first()
    )
    since = last or account.agreed_on
    if (today - since).days > account.silent_after_days:
        found[K.SILENT] = (
            K.SILENT,
            W.Level.YELLOW,
            _("No movement since %(day)s.") % {"day": since},
        )
    if late:
        found[K.UNDEPOSITED] = (
            K.UNDEPOSITED,
            W.Level.RED,
            _("%(count)s fee records not deposited within %(days)s days.")
            % {"count": late, "days": account.deposit_within_days},
        )
    return found


def event_conditions(account: EscrowAccount, *, today: dt.date) -> dict[str, tuple]:
    """Large movements (大额资金异动) of the last days: key → (kind, level, detail)."""
    found = {}
    since = today - dt.timedelta(days=OUTFLOW_LOOKBACK_DAYS)
    outflows = LedgerEntry.objects.filter(
        account=account, amount_fen__lt=0, booked_on__gte=since, booked_on__lte=today
    )
    for entry in outflows.filter(amount_fen__lt=-account.single_outflow_limit_fen):
        found[f"large_outflow:{entry.pk}"] = (
            K.LARGE_OUTFLOW,
            W.Level.RED,
            _("Single outflow of %(amount)s yuan on %(day)s.")
            % {"amount": yuan(-entry.amount_fen), "day": entry.booked_on},
        )
    for row in outflows.values("booked_on").annotate(total=Sum("amount_fen")):
        if -row["total"] > account.daily_outflow_limit_fen:
            found[f"daily_outflow:{row['booked_on']}"] = (
                K.DAILY_OUTFLOW,
                W.Level.YELLOW,
                _("Outflows of %(amount)s yuan on %(day)s.")
                % {"amount": yuan(-row["total"]), "day": row["booked_on"]},
            )
    return found


def _notify(warning: FundWarning, *, again: bool = False) -> None:
    notify_many(
        users=district_staff(warning.bureau_id, action="fundwarning.acknowledge"),
        bureau_id=warning.bureau_id,
        message=_("Fund warning: %(kind)s") % {"kind": warning.get_kind_display()},
        link=reverse("funds:warning-detail", args=[warning.pk]),
        key=f"fundwarning:{warning.pk}" + (":red" if again else ""),
    )


def warning_raise(account, *, key, kind, level, detail, once: bool) -> FundWarning | None:
    """Raise a warning unless one is unresolved for this key (or, `once`, was ever raised)."""
    existing = FundWarning.objects.filter(account=account, key=key)
    if not once:
        existing = existing.filter(status__in=W.UNRESOLVED)
        # A state still there says how it is now; one that worsened to red is told again.
        for warning in existing.select_for_update():
            if (warning.level, warning.detail) == (level, detail[:300]):
                continue
            escalated = warning.level == W.Level.YELLOW and level == W.Level.RED
            warning.level, warning.detail = level, detail[:300]
            warning.save(update_fields=["level", "detail"])
            if escalated:
                _notify(warning, again=True)
    if existing.exists():
        return None
    warning = FundWarning(account=account, kind=kind, level=level, key=key, detail=detail[:300])
    try:
        with transaction.atomic():
            warning.save()
    except IntegrityError:
        return None  # raised at the same moment by another run
    _notify(warning)
    return warning


@transaction.atomic
def account_evaluate(
    account: EscrowAccount,
    *,
    today: dt.date | None = None,
    cache: dict | None = None,
    sync: bool = True,
) -> dict:
    """Raise the warnings that hold for the account and resolve its state warnings that no
    longer do. Idempotent. `cache` keeps the bureaus' default thresholds over one run; `sync`
    puts the institution's warnings on the registry (a job over many accounts does it once,
    set-based, at its end)."""
    today = today or timezone.localdate()
    raised = resolved = 0
    states = state_conditions(account, today=today, cache=cache)
    for key, (kind, level, detail) in states.items():
        raised += bool(
            warning_raise(account, key=key, kind=kind, level=level, detail=detail, once=False)
        )
    for key, (kind, level, detail) in event_conditions(account, today=today).items():
        raised += bool(
            warning_raise(account, key=key, kind=kind, level=level, detail=detail, once=True)
        )
    stale = FundWarning.objects.filter(
        account=account, kind__in=W.STATE_KINDS, status__in=W.UNRESOLVED
    ).exclude(key__in=list(states))
    for warning in stale:
        step = WARNING_FLOW.begin_as_system(warning, "resolve")
        step.record.resolved_at = timezone.now()
        step.record.note = (step.record.note + "\n" if step.record.note else "") + _(
            "Resolved by the periodic check: the condition no longer holds."
        )
        step.finish(fields=["resolved_at", "note"])
        resolved += 1
    if sync:
        institutions_sync([account.institution_id])
    return {"raised": raised, "resolved": resolved}


@transaction.atomic
def warning_acknowledge(*, actor, warning: FundWarning, note: str) -> FundWarning:
    """Acknowledge an open warning, saying what is being done about it."""
    if not note.strip():
        raise ValidationError({"note": _("Say what is being done about the warning.")})
    step = WARNING_FLOW.begin(warning, "acknowledge", actor=actor)
    step.record.note = note.strip()
    step.record.acknowledged_at = timezone.now()
    return step.finish(fields=["note", "acknowledged_at"])


@transaction.atomic
def warning_resolve(*, actor, warning: FundWarning, note: str = "") -> FundWarning:
    """Resolve a warning (one about a state only once the state is gone)."""
    step = WARNING_FLOW.begin(warning, "resolve", actor=actor)
    if step.record.kind in W.STATE_KINDS:
        account = EscrowAccount.objects.get(pk=step.record.account_id)
        if step.record.key in state_conditions(account, today=timezone.localdate()):
            raise ValidationError(
                _("The condition still holds: the warning is resolved when it is gone.")
            )
    if note.strip():
        step.record.note = (step.record.note + "\n" if step.record.note else "") + note.strip()
    step.record.resolved_at = timezone.now()
    resolved = step.finish(fields=["note", "resolved_at"])
    institutions_sync([resolved.account.institution_id])
    return resolved
