"""Password rules beyond Django's own validators (等保2.0 level 3: complexity)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

_CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
)


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in _CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_character_classes")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower-case letters, "
            "capitals, digits, other characters.",
            "Your password must mix at least %(n)d kinds of characters: lower-case letters, "
            "capitals, digits, other characters.",
            self.min_classes,
        ) % {"n": self.min_classes}
