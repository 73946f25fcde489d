"""How the apps above the tip-offs (inspections) add to a tip-off's staff page without
complaints importing them (the layering in pyproject.toml): a panel, registered once from the
app's AppConfig.ready(),

    register_panel(template="inspections/_complaint_panel.html",
                   context=lambda request, complaint: {...} or None)

rendered on the tip-off's page in `order`; returning None hides it. The context callable
reads through the request's user (scoped) like any page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

_panels: list["Panel"] = []


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int


def register_panel(*, template: str, context: Callable, order: int = 100) -> None:
    """A block rendered on a tip-off's staff page (registered once per template)."""
    if any(panel.template == template for panel in _panels):
        return
    _panels.append(Panel(template=template, context=context, order=order))
    _panels.sort(key=lambda panel: panel.order)


def render_panels(request, complaint) -> list[str]:
    """The HTML of every registered panel that has something to show for this tip-off."""
    rendered = []
    for panel in _panels:
        context = panel.context(request, complaint)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request))
    return rendered
