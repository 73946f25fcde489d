"""Figures as Chinese readers expect them: counts with digit grouping, money in 元 or, from ten
thousand yuan, in 万元 (seed 004 江津 "3000余万元"), percentages with one decimal."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


@register.filter
def figure(value, unit="count"):
    """One figure for display: "1,234", "3,012.35万元", "98.5%", "—" when there is none."""
    if value is None or value == "":
        return "—"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "fen":
        yuan = int(value) / 100
        if _chinese() and abs(yuan) >= 10_000:
            return _("%(amount)s ten-thousand yuan") % {"amount": f"{yuan / 10_000:,.2f}"}
        return _("%(amount)s yuan") % {"amount": f"{yuan:,.2f}"}
    return f"{int(value):,}"


@register.filter
def month_label(month):
    """ "2026年3月" / "2026-03"."""
    return f"{month.year}年{month.month}月" if _chinese() else f"{month:%Y-%m}"
