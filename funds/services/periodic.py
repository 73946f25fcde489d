"""The periodic job: timers of 一课一消 first (a deemed refund changes nothing in the ledger
until paid), then every open account's warnings. Idempotent."""

import datetime as dt

from django.utils import timezone

from funds.models import EscrowAccount
from funds.panels import institutions_sync
from funds.services.lessons import lessons_apply_timers
from funds.services.suspension import suspensions_propose_due
from funds.services.warnings import accounts_evaluate


def funds_periodic(*, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    result = lessons_apply_timers(today=today)
    # Every open account at once (set-based: a few grouped queries, bulk writes).
    counts = accounts_evaluate(None, today=today, sync=False)
    raised, resolved = counts["raised"], counts["resolved"]
    # Every institution with an account, closed ones too (their warnings go when resolved).
    institution_ids = set(EscrowAccount.objects.values_list("institution_id", flat=True))
    # The institutions' escrow warnings on the registry, in one set-based pass.
    changed = institutions_sync(institution_ids)
    proposed = suspensions_propose_due(today=today)
    return {
        "suspensions_proposed": proposed,
        **result,
        "warnings_raised": raised,
        "warnings_resolved": resolved,
        "institutions_changed": changed,
    }
