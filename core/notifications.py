"""In-app notifications: written once per (user, key), so a periodic job can run again and
again without repeating itself; read when the user opens the page they point to."""

from django.utils import timezone

from bureaus.models import Membership
from core.compiled import MARK, Compiled
from core.models import Notification


def notify(*, user, bureau_id: int, message: str, link: str = "", key: str) -> bool:
    """Tell a user something once: a second call with the same key does nothing. Returns
    whether a notification was written. `message` must carry no personal data."""
    _obj, created = Notification.objects.get_or_create(
        user=user, key=key, defaults={"bureau_id": bureau_id, "message": message, "link": link}
    )
    return created


def notify_many(*, users, bureau_id: int, message: str, link: str = "", key: str) -> int:
    """`notify` for each user; returns how many were written."""
    return sum(
        notify(user=user, bureau_id=bureau_id, message=message, link=link, key=key)
        for user in users
    )


def notify_bulk(items) -> int:
    """`notify` for many (user, bureau_id, message, link, key) at once, for a set-based job:
    one read of the keys already written and one insert of the rest (a concurrent writer of
    the same key is ignored by the unique constraint). Returns how many were written."""
    items = list(items)
    if not items:
        return 0
    keys = {item[4] for item in items}
    written = set(
        Notification.objects.filter(key__in=keys).values_list("user_id", "key").iterator()
    )
    fresh = {}
    for user, bureau_id, message, link, key in items:
        user_id = getattr(user, "pk", user)
        if (user_id, key) not in written and (user_id, key) not in fresh:
            fresh[(user_id, key)] = Notification(
                user_id=user_id, bureau_id=bureau_id, message=message, link=link, key=key
            )
    if fresh:
        Notification.objects.bulk_create(list(fresh.values()), ignore_conflicts=True)
    return len(fresh)


def district_staff(bureau_id: int, *, action: str) -> list:
    """The active users of a district whose role holds `action` in the permission table
    (whom to tell about the district's late work)."""
    from bureaus.permissions import allowed_roles

    return [
        m.user
        for m in Membership.objects.filter(
            bureau_id=bureau_id, is_active=True, role__in=allowed_roles(action)
        ).select_related("user")
    ]


def notifications_mark_read(*, user, link: str) -> int:
    """The user opened the page a notification points to. Most views of a page have nothing
    to mark: one indexed look-up then, and the audited update (its snapshot, the update) only
    when there is something."""
    unread = Notification.objects.filter(user=user, link=link, read_at__isnull=True)
    if not unread.exists():
        return 0
    return unread.update(read_at=timezone.now())


# The unread notifications' statement by limit, compiled once per process (core.compiled).
_UNREAD: dict[int, Compiled] = {}


def notification_list(*, user, limit: int = 10) -> list[dict]:
    """The user's unread notifications, newest first, as dicts (`message`, `link`, …), by SQL
    compiled once per process: pages show them on every view (issue 11)."""
    compiled = _UNREAD.get(limit)
    if compiled is None:
        unread = Notification.objects.filter(user_id=MARK, read_at__isnull=True)
        compiled = _UNREAD[limit] = Compiled.of(unread.values()[:limit], mark=MARK)
    return compiled.rows_for(user.pk)
