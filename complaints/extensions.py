"""How the apps above the tip-offs (inspections) add to a tip-off's staff page without
complaints importing them (the layering in pyproject.toml): a panel (core.panels), registered
once from the app's AppConfig.ready(),

    register_panel(template="inspections/_complaint_panel.html",
                   context=lambda request, complaint: {...} or None)

rendered on the tip-off's page in `order`; returning None hides it."""

from core.panels import Panels

PANELS = Panels()
register_panel = PANELS.register
render_panels = PANELS.render
