"""The staff navigation as data: menus by work, entries declared by each app on its AppConfig.

An app lists `menu_entries` (MenuEntry…) on its AppConfig; `menus_for(membership)` keeps the
entries the permission table allows the membership's role, groups them by menu in the order of
MENUS and drops empty menus. The navigation and the breadcrumbs are drawn from this alone
(docs/adding-an-app.md, "Menu entries").
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# The menus by work, in the order shown; a menu none of whose entries a role may use is hidden.
MENUS = (
    ("institutions", pgettext_lazy("menu", "Institutions")),
    ("inspections", pgettext_lazy("menu", "Inspections")),
    ("complaints", pgettext_lazy("menu", "Tip-offs")),
    ("funds", pgettext_lazy("menu", "Funds")),
    ("reports", pgettext_lazy("menu", "Reports")),
    ("system", pgettext_lazy("menu", "System")),
)
MENU_KEYS = frozenset(key for key, _label in MENUS)


@dataclass(frozen=True)
class MenuEntry:
    """One link of a menu: shown to the roles the permission table gives `action` (None: all
    staff); `query` is appended to the URL (e.g. "open=true")."""

    menu: str
    label: str
    url_name: str
    action: str | None = None
    query: str = ""
    order: int = 50

    def __post_init__(self):
        if self.menu not in MENU_KEYS:
            raise ValueError(f"unknown menu {self.menu!r}; one of {sorted(MENU_KEYS)}")

    @property
    def url(self):
        url = reverse(self.url_name)
        return f"{url}?{self.query}" if self.query else url


@dataclass(frozen=True)
class Menu:
    key: str
    label: str
    entries: tuple
    current: bool = False


def all_entries():
    """Every entry every installed app declares, in the apps' order."""
    for config in apps.get_app_configs():
        yield from getattr(config, "menu_entries", ())


# The entries a role may use, labelled and linked, by (role, language, URL prefix): what the
# permission table, the apps' declarations and the URL conf give them never changes while the
# process runs, so each request only marks the current one (issue 11: ~20 reverse() and
# gettext calls a page before).
_ALLOWED: dict[tuple, dict[str, list]] = {}


class Menus(list):
    """The menus of one page, kept by `key` (role, language, URL prefix and the current entry):
    the same key gives the same menus, so the navigation's markup is kept by it too
    ({% nav %}, bureaus.templatetags.ui). Shared between requests: never changed in place."""

    key: tuple = ()


# The menus by Menus.key: a handful of roles times languages times entries.
_MENUS: dict[tuple, Menus] = {}


def menus_for(membership, path: str = "") -> list[Menu]:
    """The menus a membership may use, each with its allowed entries; the one whose entry
    holds `path` (the longest matching URL) is marked current."""
    from bureaus.permissions import membership_may  # models are not loaded when apps.py runs

    if membership is None:
        return []
    cache_key = (membership.role, get_language(), get_script_prefix())
    by_menu = _ALLOWED.get(cache_key)
    if by_menu is None:
        by_menu = {}
        for entry in all_entries():
            if entry.action is None or membership_may(membership, entry.action):
                try:
                    url = entry.url
                except NoReverseMatch:
                    continue
                item = (entry.order, str(entry.label), url, entry)
                by_menu.setdefault(entry.menu, []).append(item)
        _ALLOWED[cache_key] = by_menu
    current = current_entry(path, [e for items in by_menu.values() for e in items])
    menus = _MENUS.get((cache_key, current))
    if menus is not None:
        return menus
    menus = Menus()
    menus.key = (cache_key, current)
    for key, label in MENUS:
        items = sorted(by_menu.get(key, ()), key=lambda item: item[0])
        if items:
            links = tuple(
                {"label": text, "url": url, "current": item is current}
                for _order, text, url, item in items
            )
            menus.append(
                Menu(key, label, links, current=current is not None and current.menu == key)
            )
    _MENUS[menus.key] = menus
    return menus


def current_entry(path, items):
    """The entry whose URL (without its query) is the longest prefix of `path`."""
    best, best_len = None, 0
    for _order, _text, url, entry in items:
        base = url.split("?", 1)[0]
        if base != "/" and path.startswith(base) and len(base) > best_len:
            best, best_len = entry, len(base)
    return best


# The home page's URL by (URL conf, script prefix): reversed once, not on every page.
_HOME: dict[tuple, str] = {}


def breadcrumbs(menus, path: str) -> list[dict]:
    """Home › menu › entry for the page at `path` (the entry links unless it is the page)."""
    key = (get_urlconf(), get_script_prefix())
    home = _HOME.get(key)
    if home is None:
        home = _HOME[key] = reverse("home")
    crumbs = [{"label": _("Home"), "url": home}]
    for menu in menus:
        if not menu.current:
            continue
        crumbs.append({"label": menu.label, "url": None})
        for link in menu.entries:
            if link["current"]:
                here = link["url"].split("?", 1)[0] == path
                crumbs.append({"label": link["label"], "url": None if here else link["url"]})
    return crumbs
