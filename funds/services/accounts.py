"""Opening and keeping escrow accounts (the balance is only ever moved by the ledger)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from funds.models import EscrowAccount
from funds.services import check_actor

SETTINGS = (
    "bank",
    "agreed_on",
    "mode",
    "minimum_kind",
    "minimum_fixed_fen",
    "minimum_share_pct",
    "yellow_threshold_fen",
    "single_outflow_limit_fen",
    "daily_outflow_limit_fen",
    "deposit_within_days",
    "silent_after_days",
    "follows_defaults",
)


@transaction.atomic
def account_open(
    *, actor, institution, bank: str, account_number: str, agreed_on: dt.date, **settings
) -> EscrowAccount:
    check_actor(actor, institution, "escrowaccount.change")
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown account settings: {sorted(unknown)}")
    number = "".join(account_number.split())
    if not number.isdigit() or not 8 <= len(number) <= 30:
        raise ValidationError({"account_number": _("Enter the account number (8 to 30 digits).")})
    if (
        EscrowAccount.objects.select_for_update()
        .filter(institution=institution)
        .exclude(status=EscrowAccount.Status.CLOSED)
        .exists()
    ):
        raise ValidationError(_("The institution already has an open escrow account."))
    account = EscrowAccount(
        institution=institution, bank=bank, account_number=number, agreed_on=agreed_on, **settings
    )
    account.full_clean()
    account.save()
    from funds.services.warnings import account_evaluate

    account_evaluate(account)
    return account


@transaction.atomic
def account_update(*, actor, account: EscrowAccount, **settings) -> EscrowAccount:
    """Change an account's settings (never its balance); warnings follow the new limits."""
    check_actor(actor, account, "escrowaccount.change")
    unknown = set(settings) - set(SETTINGS) - {"status", "account_number"}
    if unknown:
        raise TypeError(f"unknown account settings: {sorted(unknown)}")
    if "account_number" in settings:
        number = "".join((settings["account_number"] or "").split())
        if not number:
            del settings["account_number"]  # left empty: the number on file stays
        elif not number.isdigit() or not 8 <= len(number) <= 30:
            raise ValidationError(
                {"account_number": _("Enter the account number (8 to 30 digits).")}
            )
        else:
            settings["account_number"] = number
    locked = EscrowAccount.objects.select_for_update().get(pk=account.pk)
    for name, value in settings.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=list(settings))
    from funds.services.warnings import account_evaluate

    account_evaluate(locked)
    return locked
