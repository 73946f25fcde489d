"""Presentation helpers shared by every app's templates."""

from django import template
from django.forms import CheckboxInput, RadioSelect, Select, SelectMultiple

register = template.Library()


@register.filter
def bs(field):
    """Render a bound field with Bootstrap classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (Select, SelectMultiple)) and not isinstance(widget, RadioSelect):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def yuan(fen):
    """Integer fen → "¥1,234.56" (money is stored as fen, never a float)."""
    if fen is None or fen == "":
        return ""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


@register.filter
def verbose_name(model):
    return model._meta.verbose_name if model is not None else ""


@register.filter
def audit_model(label):
    """An audit row's `app_label.model` as the model's name (bureaus.audit_display)."""
    from bureaus.audit_display import model_name

    return model_name(label)
