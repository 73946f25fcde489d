"""Teaching sites (教学点); one without approval or fire acceptance is flagged (seed 003 §12,
seed 000 §三)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from institutions.models import Institution, Site
from institutions.services.registry import (
    institution_record_remove,
    institution_record_update,
    institution_refresh_warnings,
    street_error,
)


def _check_site(site: Site) -> None:
    if street := street_error(site.street, bureau_id=site.institution.bureau_id):
        raise ValidationError({"street": [street]})
    if not (site.address or "").strip():
        raise ValidationError({"address": [_("Enter the address of the site.")]})


@transaction.atomic
def site_add(*, actor, institution: Institution, **fields) -> Site:
    """Put a teaching site on file; one without approval or fire acceptance is flagged."""
    site = Site(institution=institution, **fields)
    _check_site(site)
    site.save()
    institution_refresh_warnings(institution=institution)
    return site


@transaction.atomic
def site_update(*, actor, site: Site, **fields) -> Site:
    """Correct a teaching site (approval or fire acceptance obtained later, a new address).
    The row is locked and only the given fields are written."""
    return institution_record_update(site, fields, check=_check_site)


@transaction.atomic
def site_remove(*, actor, site: Site) -> None:
    """A teaching site is closed."""
    institution_record_remove(site)
