"""{{ date|calendar_warning }}: a warning beside a date reckoned without its year's holidays."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.workdays import date_is_guessed

register = template.Library()


@register.filter
def calendar_warning(day):
    """A small warning badge when the working days up to `day` were guessed (the year's
    holiday schedule is not in the calendar); empty otherwise."""
    if not date_is_guessed(day):
        return ""
    return format_html(
        ' <span class="badge text-bg-warning" title="{}" data-testid="calendar-warning">{}</span>',
        _(
            "The holidays of %(year)s are not in the working-day calendar yet: this date was "
            "reckoned Monday to Friday and may change."
        )
        % {"year": day.year},
        _("Provisional"),
    )
