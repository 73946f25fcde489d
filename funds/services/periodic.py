"""The periodic job: timers of 一课一消 first (a deemed refund changes nothing in the ledger
until paid), then every open account's warnings. Idempotent."""

import datetime as dt

from django.utils import timezone

from funds.models import EscrowAccount
from funds.services.lessons import lessons_apply_timers
from funds.services.warnings import account_evaluate


def funds_periodic(*, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    result = lessons_apply_timers(today=today)
    raised = resolved = 0
    defaults: dict = {}
    for account in EscrowAccount.objects.exclude(status=EscrowAccount.Status.CLOSED):
        counts = account_evaluate(account, today=today, cache=defaults)
        raised += counts["raised"]
        resolved += counts["resolved"]
    return {**result, "warnings_raised": raised, "warnings_resolved": resolved}
