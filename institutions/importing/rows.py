"""One row of a survey file: its cells read and checked on their own (no database access;
existing records and the registry's rules are applied by `plan`)."""

import datetime as dt
import re

from django.utils.translation import gettext as _

from core.spreadsheets import RowResult, choice, date, text
from core.validators import phone_error
from institutions import credit_code as cc
from institutions import rules
from institutions.importing.columns import (
    AUDIENCE,
    CATEGORY,
    DELIVERY,
    ORGANIZATION_FORM,
    PROFIT,
    STATUS,
)
from institutions.models import Institution

SPLIT = re.compile(r"[、,，;；/\s]+")


def check_row(line: int, raw: dict, *, streets: dict, today: dt.date | None) -> RowResult:
    """Check one row's cells."""
    row = RowResult(line=line)
    v = row.values
    v["name"] = text(raw.get("name"))
    if not v["name"]:
        row.error("name", _("This column is required."))
    elif len(v["name"]) > 200:
        row.error("name", _("At most 200 characters."))
    code = cc.normalize(text(raw.get("credit_code")))
    v["credit_code"] = code
    if not code:
        row.error(
            "credit_code",
            _(
                "The credit code is required: it identifies the institution "
                "when the survey is imported again."
            ),
        )
    else:
        message = rules.credit_code_error(code)
        if message:
            row.error("credit_code", message)
    v["category"] = choice(row, raw, "category", CATEGORY)
    v["organization_form"] = choice(row, raw, "organization_form", ORGANIZATION_FORM, "company")
    v["profit"] = choice(row, raw, "profit", PROFIT, "for_profit")
    v["delivery"] = choice(row, raw, "delivery", DELIVERY, "offline")
    v["status"] = choice(row, raw, "status", STATUS)
    _audience(row, raw)
    street_name = text(raw.get("street"))
    v["street_id"] = None
    if street_name:
        if street_name not in streets:
            row.error("street", _("No street of this name in your district."))
        else:
            v["street_id"] = streets[street_name]
    v["address"] = text(raw.get("address"))[:300]
    v["contact_name"] = text(raw.get("contact_name"))[:50]
    v["contact_phone"] = text(raw.get("contact_phone")).replace(" ", "")
    phone = phone_error(v["contact_phone"])
    if phone:
        row.error("contact_phone", phone)
    _credentials(row, raw)
    if not row.errors:
        v["name_initials"] = None  # computed only for rows that create or rename (it is slow)
        v["department"] = Institution.DEPARTMENT_FOR_CATEGORY[v["category"]]
    return row


def _audience(row: RowResult, raw: dict) -> None:
    for key in AUDIENCE.values():
        row.values[key] = False
    for part in SPLIT.split(text(raw.get("audience"))):
        if not part:
            continue
        if part not in AUDIENCE:
            row.error(
                "audience",
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": part, "choices": "、".join(AUDIENCE)},
            )
        else:
            row.values[AUDIENCE[part]] = True


def _credentials(row: RowResult, raw: dict) -> None:
    v = row.values
    dates = {}
    for key in ("licence_issued_on", "licence_expires_on"):
        try:
            dates[key] = date(raw.get(key))
        except ValueError:
            row.error(key, _("Not a date; write it as 2025-06-30."))
            dates[key] = None
    licence_number = text(raw.get("licence_number"))
    if licence_number:
        issued, expires = dates["licence_issued_on"], dates["licence_expires_on"]
        if issued and expires and expires < issued:
            row.error("licence_expires_on", _("The expiry date is before the issue date."))
        v["licence"] = {
            "number": licence_number[:64],
            "issuer": text(raw.get("licence_issuer"))[:100],
            "issued_on": issued,
            "expires_on": expires,
            "scope": text(raw.get("licence_scope")),
        }
    elif any(text(raw.get(k)) for k in ("licence_issuer", "licence_scope")) or any(dates.values()):
        row.error("licence_number", _("Licence details are given without the licence number."))
    business = text(raw.get("business_number"))
    v["business"] = {"number": business[:64]} if business else None
