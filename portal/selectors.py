"""Reads of the portal's own records."""

import hashlib

from portal.models import PortalInvitation


def token_hash(token: str) -> str:
    """What is stored of an invitation link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(*, token: str) -> PortalInvitation | None:
    """The invitation whose link carries this secret, or None (found by its hash only)."""
    if not token or len(token) > 100:
        return None
    return (
        PortalInvitation.objects.select_related("institution")
        .filter(token_hash=token_hash(token))
        .first()
    )
