"""{% chart spec %}: a chart of a PDF report drawn as SVG from its description (reports.charts)."""

from django import template

from reports import charts

register = template.Library()


@register.simple_tag
def chart(spec):
    return charts.draw(spec)
