"""Fund warnings (资金预警): computed for an account after each entry and by the periodic job,
idempotently (one unresolved warning per account and key); acknowledged with a note and
resolved by staff through the workflow, a warning about a state resolved by the job once the
state is gone (and refused to staff while it lasts)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notifications import district_staff, notify_bulk
from core.workflow import Transition, Workflow
from funds.models import EscrowAccount, FundWarning
from funds.panels import institutions_sync
from funds.services.ledger import among
from funds.services.ledger import liabilities as ledger_liabilities
from funds.services.thresholds import limits_for
from funds.services.warning_conditions import (
    event_conditions,
    facts_for,
    state_conditions,
    state_conditions_from,
)

W = FundWarning
S = FundWarning.Status

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


def minimum_for(account: EscrowAccount) -> int:
    return thresholds_of(account)[0]


def thresholds_of(account: EscrowAccount) -> tuple[int, int]:
    """(minimum balance, yellow threshold) in force for the account, in fen."""
    found = ledger_liabilities([account.institution_id])
    return limits_for(account, found[account.institution_id])


def _accounts(account_ids):
    accounts = EscrowAccount.objects.defer("account_number").order_by("id")
    if account_ids is None:
        return list(accounts.exclude(status=EscrowAccount.Status.CLOSED))
    return list(accounts.filter(pk__in=among(account_ids)))


def _notification(warning: FundWarning, staff: dict, *, again: bool = False) -> list:
    if warning.bureau_id not in staff:
        staff[warning.bureau_id] = district_staff(
            warning.bureau_id, action="fundwarning.acknowledge"
        )
    message = _("Fund warning: %(kind)s") % {"kind": warning.get_kind_display()}
    link = reverse("funds:warning-detail", args=[warning.pk])
    key = f"fundwarning:{warning.pk}" + (":red" if again else "")
    return [(user, warning.bureau_id, message, link, key) for user in staff[warning.bureau_id]]


def _notify(warning: FundWarning, *, again: bool = False) -> None:
    notify_bulk(_notification(warning, {}, again=again))


def _restate(warning: FundWarning, level: str, detail: str) -> bool:
    """Say in an unresolved warning how its state is now; True when it worsened to red (and is
    told again)."""
    escalated = warning.level == W.Level.YELLOW and level == W.Level.RED
    warning.level, warning.detail = level, detail[:300]
    warning.save(update_fields=["level", "detail"])
    return escalated


def warning_raise(account, *, key, kind, level, detail, once: bool) -> FundWarning | None:
    """Raise a warning unless one is unresolved for this key (or, `once`, was ever raised)."""
    existing = FundWarning.objects.filter(account=account, key=key)
    if not once:
        existing = existing.filter(status__in=W.UNRESOLVED)
        # A state still there says how it is now; one that worsened to red is told again.
        for warning in existing.select_for_update():
            if (warning.level, warning.detail) == (level, detail[:300]):
                continue
            if _restate(warning, level, detail):
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
def accounts_evaluate(
    account_ids=None,
    *,
    today: dt.date | None = None,
    cache: dict | None = None,
    sync: bool = True,
) -> dict:
    """Raise the warnings that hold for the accounts (every open account when `account_ids`
    is None) and resolve their state warnings that no longer do, set-based: a few grouped
    queries compute every condition, one query reads the warnings already there, one bulk
    insert raises the new ones (their notifications in one more), and the institutions'
    warnings go to the registry in one pass. Idempotent: a second run changes nothing and
    notifies nobody twice."""
    today = today or timezone.localdate()
    cache = {} if cache is None else cache
    accounts = _accounts(account_ids)
    if not accounts:
        return {"raised": 0, "resolved": 0}
    facts = facts_for(accounts, today=today)
    events = event_conditions(facts)
    ids = [a.pk for a in accounts]
    event_keys = {k for found in events.values() for k in found}
    existing = FundWarning.objects.filter(account_id__in=among(ids)).filter(
        Q(status__in=W.UNRESOLVED) | Q(key__in=list(event_keys))
    )
    unresolved: dict[tuple, FundWarning] = {}
    unresolved_of: dict[int, list[FundWarning]] = {}
    ever: set[tuple] = set()
    for warning in existing:
        ever.add((warning.account_id, warning.key))
        if warning.status in W.UNRESOLVED:
            unresolved[(warning.account_id, warning.key)] = warning
            unresolved_of.setdefault(warning.account_id, []).append(warning)
    fresh, changed, stale, notes = [], [], [], []
    for account in accounts:
        states = state_conditions_from(account, facts, today=today, cache=cache)
        for key, (kind, level, detail) in states.items():
            have = unresolved.get((account.pk, key))
            if have is None:
                fresh.append((account, key, kind, level, detail))
            elif (have.level, have.detail) != (level, detail[:300]):
                have.account = account  # its bureau is checked on save without a query
                changed.append((have, level, detail))
        for key, (kind, level, detail) in events.get(account.pk, {}).items():
            if (account.pk, key) not in ever:
                fresh.append((account, key, kind, level, detail))
        stale.extend(
            w
            for w in unresolved_of.get(account.pk, ())
            if w.kind in W.STATE_KINDS and w.key not in states
        )
    staff: dict = {}
    for warning, level, detail in changed:
        if _restate(warning, level, detail):
            notes.extend(_notification(warning, staff, again=True))
    raised = _raise_many(fresh, staff, notes)
    resolved = _resolve_many(stale)
    notify_bulk(notes)
    if sync:
        institutions_sync({a.institution_id for a in accounts})
    return {"raised": raised, "resolved": resolved}


def _resolve_many(stale) -> int:
    """Resolve the state warnings whose condition is gone, in one audited UPDATE: the
    workflow's `resolve` from open or acknowledged, the state re-checked by the UPDATE itself
    (a warning a person resolved meanwhile is left as it is)."""
    if not stale:
        return 0
    note = _("Resolved by the periodic check: the condition no longer holds.")
    return FundWarning.objects.filter(
        pk__in=[w.pk for w in stale], status__in=WARNING_FLOW["resolve"].sources
    ).update(
        status=S.RESOLVED,
        resolved_at=timezone.now(),
        note=Case(
            When(note="", then=Value(note)),
            default=Concat(F("note"), Value("\n" + note)),
            output_field=TextField(),
        ),
    )


def _raise_many(fresh, staff, notes) -> int:
    """Insert the new warnings at once; when another run raised one of them at the same
    moment (the one-unresolved-per-key constraint), fall back to one by one."""
    rows = [
        FundWarning(
            account=account,
            bureau_id=account.bureau_id,
            kind=kind,
            level=level,
            key=key,
            detail=detail[:300],
        )
        for account, key, kind, level, detail in fresh
    ]
    if not rows:
        return 0
    try:
        with transaction.atomic():
            FundWarning.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        raised = 0
        for account, key, kind, level, detail in fresh:
            once = kind not in W.STATE_KINDS
            raised += bool(
                warning_raise(account, key=key, kind=kind, level=level, detail=detail, once=once)
            )
        return raised
    for warning in rows:
        notes.extend(_notification(warning, staff))
    return len(rows)


def account_evaluate(
    account: EscrowAccount,
    *,
    today: dt.date | None = None,
    cache: dict | None = None,
    sync: bool = True,
) -> dict:
    """accounts_evaluate for one account (after an entry)."""
    return accounts_evaluate([account.pk], today=today, cache=cache, sync=sync)


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
