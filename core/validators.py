"""Checks of values every app accepts from people: one pattern, one message each."""

import re

from django.utils.translation import gettext_lazy as _

# A mainland mobile number (11 digits, 13x–19x) or a landline with its area code and an
# optional extension.
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
PHONE_INVALID = _("Enter a mobile number of 11 digits or a landline number.")


def phone_normalize(phone: str) -> str:
    """The number as typed, without spaces."""
    return "".join((phone or "").split())


def phone_error(phone: str) -> str | None:
    """The message for a phone number that is neither a mobile nor a landline, else None."""
    return None if not phone or PHONE.match(phone) else PHONE_INVALID
