"""Who speaks for which institution, and what the database lets an institution account see.

Guarantees:
- `account_for(user)` is the user's one active institution account, or None (staff, anonymous,
  a deactivated account). It reads through row-level security's own-user rule, before any
  bureau scope is set.
- `scope_for(account)` is the row-level security scope of a portal request: read and write the
  rows of the institution's district only, never another district's. Row-level security
  cannot tell one institution's rows from another's inside that district (its tables carry a
  `bureau`, not always an `institution`), so the portal narrows further itself: every portal
  read names the account's institution, never an id from the request alone.
"""

from bureaus import rls
from portal.models import PortalAccount


def account_for(user) -> PortalAccount | None:
    """The active institution account of a signed-in user, or None."""
    if user is None or not user.is_authenticated:
        return None
    # No select_related("institution"): the institution's row is readable only once the
    # portal's scope is set (scope_for).
    return PortalAccount.objects.filter(user=user, is_active=True).first()


def scope_for(account: PortalAccount) -> rls.Scope:
    """The database scope of a request made by this institution account."""
    return rls.Scope(read=(account.bureau_id,), write=(account.bureau_id,), user=account.user_id)
