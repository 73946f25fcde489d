"""Default warning thresholds (FundSettings): a bureau sets a red threshold (the minimum
balance) and a yellow one for the accounts under it; an account that follows the defaults takes
its district's figure, else its city's, else its province's, each figure on its own. A change
is audited (BureauOwnedModel) and applies at the next check of each account (at once for the
district's own accounts; the periodic job for a city's, hourly)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureaus import rls
from bureaus.models import Bureau
from bureaus.permissions import membership_may
from funds.models import EscrowAccount, FundSettings


@dataclass(frozen=True)
class Defaults:
    """The thresholds in force for a district, and which bureau set each (None: nobody)."""

    red_fen: int | None = None
    yellow_fen: int | None = None
    red_from: str = ""
    yellow_from: str = ""


def _prefixes(path: str) -> list[str]:
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


def defaults_for(bureau_id: int, *, cache: dict | None = None) -> Defaults:
    """The defaults in force for a bureau: nearest bureau first, figure by figure."""
    if cache is not None and bureau_id in cache:
        return cache[bureau_id]
    # A district reads its own superiors' two figures (read-only): row-level security would
    # hide the city's row from the district's scope (docs/security-database.md).
    with rls.platform_access("funds: a district's escrow thresholds inherited from its city"):
        path = Bureau.objects.filter(pk=bureau_id).values_list("path", flat=True).first() or ""
        rows = list(
            FundSettings.objects.filter(bureau__path__in=_prefixes(path)).values(
                "red_threshold_fen", "yellow_threshold_fen", "bureau__name", "bureau__path"
            )
        )
    rows.sort(key=lambda r: len(r["bureau__path"]), reverse=True)
    red = next((r for r in rows if r["red_threshold_fen"] is not None), None)
    yellow = next((r for r in rows if r["yellow_threshold_fen"] is not None), None)
    found = Defaults(
        red_fen=red["red_threshold_fen"] if red else None,
        yellow_fen=yellow["yellow_threshold_fen"] if yellow else None,
        red_from=red["bureau__name"] if red else "",
        yellow_from=yellow["bureau__name"] if yellow else "",
    )
    if cache is not None:
        cache[bureau_id] = found
    return found


def limits_for(account: EscrowAccount, liability_fen: int, *, cache=None) -> tuple[int, int]:
    """(minimum balance, yellow threshold) in fen for the account as it stands."""
    minimum = account.minimum_fen(liability_fen)
    yellow = account.yellow_threshold_fen
    if account.follows_defaults:
        found = defaults_for(account.bureau_id, cache=cache)
        if found.red_fen is not None:
            minimum = found.red_fen
        if found.yellow_fen is not None:
            yellow = found.yellow_fen
    return minimum, yellow


def settings_for(bureau) -> FundSettings:
    """The bureau's own row (unsaved when it has set nothing yet)."""
    return FundSettings.objects.filter(bureau=bureau).first() or FundSettings(bureau=bureau)


@transaction.atomic
def fund_settings_set(
    *, actor, red_threshold_fen: int | None, yellow_threshold_fen: int | None, basis: str = ""
) -> FundSettings:
    """A district's administrator or a city's (province's) supervisor sets the defaults of
    their own bureau; empty figures inherit from above."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "fundsettings.change"):
        raise PermissionDenied
    bureau = membership.bureau
    errors = {}
    for name, value in (
        ("red_threshold_fen", red_threshold_fen),
        ("yellow_threshold_fen", yellow_threshold_fen),
    ):
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = _("Enter an amount of zero or more.")
    if (
        not errors
        and red_threshold_fen is not None
        and yellow_threshold_fen is not None
        and yellow_threshold_fen < red_threshold_fen
    ):
        errors["yellow_threshold_fen"] = _(
            "The yellow threshold warns before the red one: it cannot be below it."
        )
    if errors:
        raise ValidationError(errors)
    row = FundSettings.objects.select_for_update().filter(bureau=bureau).first()
    row = row or FundSettings(bureau=bureau)
    row.red_threshold_fen = red_threshold_fen
    row.yellow_threshold_fen = yellow_threshold_fen
    row.basis = basis.strip()[:200]
    row.full_clean()
    row.save()
    if bureau.is_district:
        from funds.services.warnings import accounts_evaluate

        following = EscrowAccount.objects.filter(bureau=bureau, follows_defaults=True).exclude(
            status=EscrowAccount.Status.CLOSED
        )
        accounts_evaluate(list(following.values_list("pk", flat=True)))
    return row
