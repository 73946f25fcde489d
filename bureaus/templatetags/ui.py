"""Presentation helpers shared by every app's templates."""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import (
    CheckboxInput,
    ModelChoiceField,
    NullBooleanSelect,
    RadioSelect,
    Select,
    SelectMultiple,
    TextInput,
)
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, ngettext, npgettext, pgettext

from bureaus import menus

register = template.Library()

# Widgets whose markup is a function of the key _rendered_key builds: fixed choices (not a
# queryset's), the field's name, id, value (a choice, or an empty text box), attributes and
# language. The form renderer draws a select through a template include per option (and one
# per option's attributes), ~1 ms a select: the list pages' filter forms spent a third of their
# template time there (issue 11).
_CACHED_WIDGETS = (Select, SelectMultiple, NullBooleanSelect, TextInput)
_RENDERED: dict = {}
_RENDERED_MAX = 4096


# Choices read from a queryset are cached only for these models: names of places and bureaus,
# never of people. Their options are read once (the one query the select always ran) and the
# markup is kept by what they are, so another user's choices make another key.
_CACHED_CHOICE_MODELS = frozenset({"bureaus.street", "bureaus.bureau", "bureaus.department"})


# The lazy translations whose text is a function of their message and the language alone.
_TRANSLATIONS = frozenset({gettext, pgettext, ngettext, npgettext})


def _translation(text):
    """A lazy translation (gettext_lazy and its kin) as (function, message); None for any other
    lazy string. Its text is a function of that and the language alone."""
    _unpickle, (func, args, kw, *_classes) = text.__reduce__()
    if func in _TRANSLATIONS and not kw and all(type(arg) is str for arg in args):
        return (func, args)
    return None


def _label_key(label):
    """An option's label in the key: a string itself; a lazy translation by its function and
    message, without translating it (the key has the language): a select's key translated
    every label on every request (issue 11); any other lazy string by its text; None for
    anything else (an option group)."""
    if isinstance(label, str):
        return label
    if not isinstance(label, Promise):
        return None
    return _translation(label) or str(label)


# translated(): the text of lazy translations by (function, message, language).
_TRANSLATED: dict = {}
_TRANSLATED_MAX = 4096


def translated(text, language=None):
    """A lazy translation's text (a column's header, a choice's label), kept by its message and
    the language (`language`: the active one, get_language(), if the caller has it at hand),
    not translated again on every request (issue 11); anything else as given."""
    if isinstance(text, str) or not isinstance(text, Promise):
        return text
    key = _translation(text)
    if key is None:
        return text
    key = (*key, language or get_language())
    out = _TRANSLATED.get(key)
    if out is None:
        if len(_TRANSLATED) >= _TRANSLATED_MAX:
            _TRANSLATED.clear()
        out = _TRANSLATED[key] = str(text)
    return out


def _rendered_key(field, css):
    widget = field.field.widget
    if type(widget) not in _CACHED_WIDGETS:
        return None
    if isinstance(field.field, ModelChoiceField):
        if field.field.queryset.model._meta.label_lower not in _CACHED_CHOICE_MODELS:
            return None
        # One query, for the key and the markup (through iter(): list() of the iterator itself
        # would ask its len(), a count query).
        widget.choices = list(iter(widget.choices))
    value = field.value()
    choices = ()
    if not isinstance(widget, Select):
        if value not in (None, ""):
            return None  # what was typed (perhaps personal data) is never kept past the request
    else:
        choices = []
        for option, label in widget.choices:
            label = _label_key(label)
            if label is None:
                return None  # an option group: not worth the key
            choices.append((str(option), label))
        choices = tuple(choices)
    return (
        type(widget),
        field.html_name,
        field.auto_id,
        repr(value),
        choices,
        tuple(sorted((k, str(v)) for k, v in widget.attrs.items())),
        field.field.required,
        field.field.disabled,
        _label_key(field.help_text) or str(field.help_text),
        css,
        get_language(),
    )


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
    attrs = {"class": f"{existing} {css}".strip()}
    key = _rendered_key(field, css)
    if key is None:
        return field.as_widget(attrs=attrs)
    html = _RENDERED.get(key)
    if html is None:
        html = field.as_widget(attrs=attrs)
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return html


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
def display(record, name):
    """`{{ record|display:"role" }}`: `record.get_role_display()`, the label read from the
    labels kept per model and language (bureaus.pages.choice_labels) instead of a dictionary
    of the field's choices built and the label translated on every call."""
    from bureaus.pages import choice_labels

    value = getattr(record, name)
    return choice_labels(type(record), (name,))[name].get(value, value)


@register.filter
def audit_model(label):
    """An audit row's `app_label.model` as the model's name (bureaus.audit_display)."""
    from bureaus.audit_display import model_name

    return model_name(label)


# What `{% static %}` and an argument-less `{% url %}` give never changes while the process
# runs (the static manifest is read once, the URL conf is fixed): base.html asked the manifest
# storage 8 times and reverse() 7 times on every page, ~0.2 ms each (issue 11). Kept by the
# settings and URL conf they depend on; cleared when a test changes a setting.
_ASSETS: dict = {}
_ROUTES: dict = {}


# The navigation's markup by bureaus.menus.Menus.key (role, language, URL prefix, current
# entry): ~90 template nodes on every staff page (issue 11), drawn once per key.
_NAV: dict = {}


@receiver(setting_changed)
def _forget(**kwargs):
    _RENDERED.clear()  # a lazy label is in its key untranslated (_label_key)
    _TRANSLATED.clear()
    _ASSETS.clear()
    _ROUTES.clear()
    _NAV.clear()
    menus._HOME.clear()


@register.simple_tag
def asset(path):
    """`{% asset "css/x.css" %}`: `{% static "css/x.css" %}`, looked up once per process."""
    url = _ASSETS.get(path)
    if url is None:
        url = _ASSETS[path] = static(path)
    return url


@register.simple_tag
def route(name):
    """`{% route "home" %}`: `{% url "home" %}` for a route without arguments, reversed once
    per URL conf and script prefix."""
    key = (name, get_urlconf(), get_script_prefix())
    url = _ROUTES.get(key)
    if url is None:
        url = _ROUTES[key] = reverse(name)
    return url


@register.simple_tag(takes_context=True)
def nav(context):
    """`{% nav %}`: the staff menus of the page (the context's `nav_menus`, from
    bureaus.menus.menus_for) as includes/nav_menus.html draws them, kept by the menus' key."""
    menus = context.get("nav_menus") or ()
    key = getattr(menus, "key", None)
    html = _NAV.get(key) if key else None
    if html is None:
        html = get_template("includes/nav_menus.html").render({"nav_menus": menus})
        if key:
            _NAV[key] = html
    return html
