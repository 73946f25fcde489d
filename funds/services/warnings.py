"""Fund warnings (资金预警): computed for an account after each entry and by the periodic job,
idempotently (one unresolved warning per account and key); acknowledged with a note and
resolved by staff through the workflow, a warning about a state resolved by the job once the
state is gone (and refused to staff while it lasts)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, TextField, Value, When
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notifications import district_staff, notify_bulk
from core.workflow import Transition, Workflow
from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry
from funds.panels import institutions_sync
from funds.services.ledger import among
from funds.services.ledger import liabilities as ledger_liabilities
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
    return thresholds_of(account)[0]


def thresholds_of(account: EscrowAccount) -> tuple[int, int]:
    """(minimum balance, yellow threshold) in force for the account, in fen."""
    found = ledger_liabilities([account.institution_id])
    return limits_for(account, found[account.institution_id])


def _facts(accounts: list, *, today: dt.date) -> dict:
    """What the conditions need for every account, in a few grouped queries."""
    ids = [a.pk for a in accounts]
    liabilities = ledger_liabilities({a.institution_id for a in accounts})
    # Each account's last movement: one backward step on the index (account, day, id) per
    # account, not a pass over the ledger.
    last = (
        LedgerEntry.objects.filter(account_id=OuterRef("pk"), booked_on__lte=today)
        .order_by("-booked_on")
        .values("booked_on")[:1]
    )
    last_day = dict(
        EscrowAccount.objects.filter(pk__in=among(ids))
        .annotate(last=Subquery(last))
        .order_by()
        .values_list("pk", "last")
    )
    # Fee records not fully deposited (fee entries net of their reversals, both carrying the
    # fee record), by institution: the cutoff is each account's own.
    late: dict[int, list] = {}
    undeposited = (
        FeeRecord.objects.filter(
            institution_id__in=among({a.institution_id for a in accounts}),
            collected_on__lt=today,
        )
        .annotate(
            deposited=Coalesce(
                Sum("entries__amount_fen", filter=Q(entries__kind__in=["fee", "adjustment"])),
                Value(0),
            )
        )
        .filter(deposited__lt=F("amount_fen"))
        .values_list("institution_id", "collected_on")
    )
    for institution_id, collected_on in undeposited:
        late.setdefault(institution_id, []).append(collected_on)
    since = today - dt.timedelta(days=OUTFLOW_LOOKBACK_DAYS)
    window = LedgerEntry.objects.filter(
        account_id__in=among(ids), amount_fen__lt=0, booked_on__gte=since, booked_on__lte=today
    )
    large = (
        window.filter(amount_fen__lt=-F("account__single_outflow_limit_fen"))
        .order_by("account_id", "id")
        .values_list("account_id", "pk", "amount_fen", "booked_on")
    )
    daily = (
        window.values("account_id", "booked_on")
        .annotate(total=Sum("amount_fen"))
        .filter(total__lt=-F("account__daily_outflow_limit_fen"))
        .order_by("account_id", "booked_on")
        .values_list("account_id", "booked_on", "total")
    )
    return {
        "liability": liabilities,
        "last_day": last_day,
        "late": late,
        "large": list(large),
        "daily": list(daily),
    }


def _state_conditions(account, facts, *, today, cache) -> dict[str, tuple]:
    found = {}
    liability = facts["liability"].get(account.institution_id, 0)
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
    since = facts["last_day"].get(account.pk) or account.agreed_on
    if (today - since).days > account.silent_after_days:
        found[K.SILENT] = (
            K.SILENT,
            W.Level.YELLOW,
            _("No movement since %(day)s.") % {"day": since},
        )
    cutoff = today - dt.timedelta(days=account.deposit_within_days)
    late = sum(1 for day in facts["late"].get(account.institution_id, ()) if day < cutoff)
    if late:
        found[K.UNDEPOSITED] = (
            K.UNDEPOSITED,
            W.Level.RED,
            _("%(count)s fee records not deposited within %(days)s days.")
            % {"count": late, "days": account.deposit_within_days},
        )
    return found


def _event_conditions(facts) -> dict[int, dict[str, tuple]]:
    """Large movements (大额资金异动) of the last days, by account: key → (kind, level,
    detail)."""
    found: dict[int, dict] = {}
    for account_id, pk, amount, day in facts["large"]:
        found.setdefault(account_id, {})[f"large_outflow:{pk}"] = (
            K.LARGE_OUTFLOW,
            W.Level.RED,
            _("Single outflow of %(amount)s yuan on %(day)s.")
            % {"amount": yuan(-amount), "day": day},
        )
    for account_id, day, total in facts["daily"]:
        found.setdefault(account_id, {})[f"daily_outflow:{day}"] = (
            K.DAILY_OUTFLOW,
            W.Level.YELLOW,
            _("Outflows of %(amount)s yuan on %(day)s.") % {"amount": yuan(-total), "day": day},
        )
    return found


def _accounts(account_ids):
    accounts = EscrowAccount.objects.defer("account_number").order_by("id")
    if account_ids is None:
        return list(accounts.exclude(status=EscrowAccount.Status.CLOSED))
    return list(accounts.filter(pk__in=among(account_ids)))


def state_conditions(account: EscrowAccount, *, today: dt.date, cache=None) -> dict[str, tuple]:
    """The state warnings that hold now for one account: key → (kind, level, detail)."""
    facts = _facts([account], today=today)
    return _state_conditions(account, facts, today=today, cache=cache)


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
    facts = _facts(accounts, today=today)
    events = _event_conditions(facts)
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
        states = _state_conditions(account, facts, today=today, cache=cache)
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
        escalated = warning.level == W.Level.YELLOW and level == W.Level.RED
        warning.level, warning.detail = level, detail[:300]
        warning.save(update_fields=["level", "detail"])
        if escalated:
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
