"""What escrow adds to an institution through institutions.extensions: its unresolved fund
warnings as institution warnings ("funds:<kind>", in the registry's warning filter, page and
API) and a panel on the institution's staff page (accounts masked, balance, warnings, the
suspension a warning proposes)."""

from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from bureaus.permissions import membership_may
from funds.models import EscrowAccount, FundWarning
from institutions import extensions

SOURCE = "funds"
LABELS = {
    FundWarning.Kind.BELOW_MINIMUM: _("Escrow: balance below the minimum"),
    FundWarning.Kind.BELOW_THRESHOLD: _("Escrow: balance below the warning threshold"),
    FundWarning.Kind.LARGE_OUTFLOW: _("Escrow: large single outflow"),
    FundWarning.Kind.DAILY_OUTFLOW: _("Escrow: day's outflows above the limit"),
    FundWarning.Kind.UNDEPOSITED: _("Escrow: fees not deposited into the account"),
    FundWarning.Kind.COVERAGE: _("Escrow: balance does not cover unconsumed fees"),
    FundWarning.Kind.SILENT: _("Escrow: no movement for a long time"),
    FundWarning.Kind.MISMATCH: _("Escrow: balance differs from the sum of entries"),
}


def register() -> None:
    extensions.register_warnings(SOURCE, {str(k): v for k, v in LABELS.items()})
    extensions.register_panel(
        page="staff", template="funds/_institution_panel.html", context=staff_panel, order=50
    )


def codes_by_institution(institution_ids) -> dict[int, list[str]]:
    """The kinds of unresolved warnings on each institution's accounts."""
    found: dict[int, list[str]] = {}
    rows = (
        FundWarning.objects.filter(
            status__in=FundWarning.UNRESOLVED,
            account__institution_id__in=RawSQL(
                "SELECT unnest(%s::bigint[])", [list(institution_ids)]
            ),
        )
        .values_list("account__institution_id", "kind")
        .distinct()
    )
    for institution_id, kind in rows:
        found.setdefault(institution_id, []).append(kind)
    return found


def institutions_sync(institution_ids) -> int:
    """Put the institutions' escrow warnings on the registry (set-based, idempotent)."""
    ids = list(institution_ids)
    return extensions.set_warnings_many(
        source=SOURCE, codes_by_institution=codes_by_institution(ids), institution_ids=ids
    )


def staff_panel(request, institution):
    user = request.user
    membership = getattr(user, "membership", None)
    if not membership_may(membership, "escrowaccount.view"):
        return None
    accounts = list(
        EscrowAccount.objects.visible_to(user).filter(institution=institution).order_by("-id")
    )
    warnings = list(
        FundWarning.objects.visible_to(user)
        .filter(account__institution=institution, status__in=FundWarning.UNRESOLVED)
        .order_by("-raised_at", "-id")
    )
    mine = membership.bureau_id == institution.bureau_id
    return {
        "institution": institution,
        "accounts": accounts,
        "warnings": warnings,
        "may_open": mine
        and membership_may(membership, "escrowaccount.change")
        and not any(a.status != EscrowAccount.Status.CLOSED for a in accounts),
    }
