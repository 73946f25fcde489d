"""Fields that more than one record of the registry declares alike."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def street_field():
    """The street (街道) of the record's district where it is, if known: an institution's
    registered address or one of its teaching sites (the services check the district)."""
    return models.ForeignKey(
        "bureaus.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Street"),
    )


def by_field():
    """Who did it (uploaded a survey, changed a status); the record outlives the account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("By"),
    )
