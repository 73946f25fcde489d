"""Blocks that the apps above add to a page of an app below without that app importing them
(the layering in pyproject.toml): the institution's staff and public pages
(institutions.extensions), the tip-off's page (complaints.extensions).

An app registers a panel once, from its AppConfig.ready(): a template and a callable
`context(request, record)` that returns the template's context, or None to show nothing. The
context reads through the request's user (scoped) like any page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int = 100


class Panels:
    """The panels of one page, in `order`."""

    def __init__(self, panels=()):
        self._panels: list[Panel] = list(panels)

    def register(self, *, template: str, context: Callable, order: int = 100) -> None:
        panel = Panel(template=template, context=context, order=order)
        if panel in self._panels:  # ready() run twice
            return
        self._panels.append(panel)
        self._panels.sort(key=lambda p: p.order)

    def render(self, request, record) -> list[str]:
        """The HTML of every panel that has something to show for this record (each rendered
        by the template engine, so escaped as any template is)."""
        rendered = []
        for panel in self._panels:
            context = panel.context(request, record)
            if context is not None:
                rendered.append(render_to_string(panel.template, context, request))
        return rendered

    def copy(self) -> "Panels":
        return Panels(self._panels)
