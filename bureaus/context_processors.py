"""Template context: the acting membership, the others to switch to, and the nav by role."""

from bureaus import menus
from bureaus.permissions import membership_may
from bureaus.scoping import acting_membership


def acting(request):
    user = getattr(request, "user", None)
    membership = acting_membership(user)
    if membership is None:
        return {"acting": None}
    path = getattr(request, "path", "")
    nav = menus.menus_for(membership, path)
    return {
        "acting": membership,
        "other_memberships": [m for m in user.memberships_list if m.pk != membership.pk],
        "may": _MayLookup(membership),
        "nav_menus": nav,
        "breadcrumbs": menus.breadcrumbs(nav, path),
    }


class _MayLookup:
    """`{% if may.street_change %}` in templates asks the permission table for "street.change"."""

    def __init__(self, membership):
        self.membership = membership

    def __getitem__(self, key):
        return membership_may(self.membership, key.replace("_", ".", 1))

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]
