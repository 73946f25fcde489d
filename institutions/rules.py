"""Rule checks on records already on file: each broken rule is a warning on the institution's
page and in the list filter, never silently accepted (issue 3, item 4).

New writes are refused by the services; records that predate the rules (surveys, imports,
licences that lapsed) are kept and flagged here.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

# code → message shown to staff
WARNINGS = {
    # seed 003 §13: existing academic institutions are re-registered as non-profit.
    "academic_for_profit": _("Academic institution registered as for-profit"),
    # seed 000 §八: no training without a school-running licence.
    "no_school_licence": _("Operating without a valid school-running licence"),
    # seed 000 §八: … and a business licence or private non-enterprise certificate.
    "no_business_licence": _("Operating without a business licence or registration certificate"),
    "licence_expiring": _("A licence expires within 60 days"),
    # seed 000 §四, 003 §17: academic teaching staff hold a teacher qualification.
    "unqualified_teacher": _("Academic teaching staff without a teacher qualification"),
    # seed 000 §四, 003 §22: no in-service primary or secondary school teachers.
    "in_service_teacher": _("Employs an in-service primary or secondary school teacher"),
    # seed 003 §12: no multi-site operation without approval.
    "unapproved_site": _("Teaching site not approved in the licence"),
    # seed 000 §三(一): training sites must be fire-safe.
    "site_without_fire": _("Teaching site without fire-safety acceptance on file"),
}

OPERATING = ("normal", "suspended")


def warning_codes(*, institution, credentials, staff, sites, today: dt.date) -> list[str]:
    """The rule warnings of one institution from what is on file (no queries here)."""
    from institutions.models import Credential

    codes = []
    if institution.category == "academic" and institution.profit == "for_profit":
        codes.append("academic_for_profit")
    if institution.status in OPERATING:
        valid = {c.kind for c in credentials if c.is_valid_on(today)}
        if Credential.Kind.SCHOOL_LICENCE not in valid:
            codes.append("no_school_licence")
        if not valid & {Credential.Kind.BUSINESS_LICENCE, Credential.Kind.PNE_CERTIFICATE}:
            codes.append("no_business_licence")
    if any(c.expiry_on(today) == Credential.Expiry.EXPIRING for c in credentials):
        codes.append("licence_expiring")
    if institution.category == "academic" and any(
        s.is_teaching and not s.qualification_number for s in staff
    ):
        codes.append("unqualified_teacher")
    if any(s.is_in_service_teacher for s in staff):
        codes.append("in_service_teacher")
    if any(not s.approved for s in sites):
        codes.append("unapproved_site")
    if any(s.fire_safety == "none" for s in sites):
        codes.append("site_without_fire")
    return codes


def labels(codes) -> list:
    return [WARNINGS.get(code, code) for code in codes]
