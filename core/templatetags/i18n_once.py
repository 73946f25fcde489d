"""`{% translate %}` of a constant message, rendered once per language (issue 11).

Django's `{% translate "Filter" %}` makes a lazy string and translates it on every render
(gettext through the active translation's thread-local: ~15 µs a node, 36 nodes on the
inbox page). Loaded after `i18n` (`{% load i18n i18n_once %}`), this library's `translate`
(and `trans`) is Django's own tag, whose node keeps what it rendered by language when its
message and context are constants, with no filter and no `as` variable; any other use renders
as Django's does. makemessages reads these tags as it reads Django's.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.i18n import TranslateNode, do_translate
from django.utils.translation import get_language

register = template.Library()

# Bumped when a setting changes (a test's LANGUAGES or LOCALE_PATHS): what nodes kept before
# is not used again.
_generation = [0]


@receiver(setting_changed)
def _forget(**kwargs):
    _generation[0] += 1


def _constant(expression) -> bool:
    """A quoted string with no filter (a Variable of a literal, or the literal itself)."""
    var = expression.var
    return not expression.filters and (
        isinstance(var, str) or getattr(var, "literal", None) is not None
    )


class _OnceTranslateNode(TranslateNode):
    """Django's TranslateNode whose output is kept by (language, autoescape, settings)."""

    def render(self, context):
        key = (get_language(), context.autoescape, _generation[0])
        rendered = self.rendered.get(key)
        if rendered is None:
            rendered = self.rendered[key] = super().render(context)
        return rendered


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    node = do_translate(parser, token)
    if (
        not node.asvar
        and _constant(node.filter_expression)
        and (node.message_context is None or _constant(node.message_context))
    ):
        node.__class__ = _OnceTranslateNode
        node.rendered = {}
    return node
