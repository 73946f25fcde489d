"""What the fund warnings (资金预警) check: for each account, the states that hold now (balance
below the minimum or the yellow threshold, fees not covered, no movement, fees not deposited)
and the large movements of the last days, computed for many accounts in a few grouped
queries."""

import datetime as dt

from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry
from funds.services.ledger import among
from funds.services.ledger import liabilities as ledger_liabilities
from funds.services.thresholds import limits_for

W = FundWarning
K = FundWarning.Kind
# How far back the job looks for large movements (older ones were seen by earlier runs).
OUTFLOW_LOOKBACK_DAYS = 7


def yuan(fen: int) -> str:
    """An amount in fen as yuan for a message: 1,234.50."""
    return f"{fen / 100:,.2f}"


def facts_for(accounts: list, *, today: dt.date) -> dict:
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


def state_conditions_from(account, facts, *, today, cache) -> dict[str, tuple]:
    """The state warnings that hold for one account, from `facts_for`: key → (kind, level,
    detail)."""
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


def event_conditions(facts) -> dict[int, dict[str, tuple]]:
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


def state_conditions(account: EscrowAccount, *, today: dt.date, cache=None) -> dict[str, tuple]:
    """The state warnings that hold now for one account: key → (kind, level, detail)."""
    facts = facts_for([account], today=today)
    return state_conditions_from(account, facts, today=today, cache=cache)
