"""Writes of the escrow app, one module per part of the work:
ledger (entries under the account's row lock), fees (fee records and the fee cap), lessons
(一课一消 and refund requests), warnings (computed, acknowledged, resolved), reconcile (the
nightly check of balances against entries), periodic (the job that applies the timers)."""

from django.core.exceptions import PermissionDenied

from bureaus.permissions import membership_may


def check_actor(actor, record, action: str) -> None:
    """A person acts through a membership of the record's own district holding `action`;
    `actor=None` is a background job (it runs inside `acting(system_actor(...))`)."""
    if actor is None:
        return
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != record.bureau_id:
        raise PermissionDenied
    if not membership_may(membership, action):
        raise PermissionDenied
