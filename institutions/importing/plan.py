"""Rows matched to the registry by credit code, with the registry's rules applied exactly as
the services apply them: a new row as a registration (then the status steps from 筹设), an
existing one as a change (then its status transition)."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import RowResult
from institutions import rules
from institutions.extensions import keep_foreign
from institutions.models import (
    Credential,
    Institution,
    Site,
    Staff,
    StatusChange,
    pinyin_initials,
    search_bigrams,
)
from institutions.services.registry import INSTITUTION_FIELDS

# What a row sets: the registry's fields and the search keys computed from the name.
INSTITUTION_IMPORT_FIELDS = (*INSTITUTION_FIELDS, "name_initials", "search_bigrams")
# The import's column for a rule refused on a service field.
COLUMN_OF_FIELD = {"to_status": "status"}


@dataclass
class Plan:
    new: list = field(default_factory=list)  # (RowResult, {kind: credential values})
    changed: list = field(default_factory=list)  # (Institution, changed field names)
    credentials_new: list = field(default_factory=list)
    credentials_changed: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    unchanged: int = 0


def attname(name: str) -> str:
    return "street_id" if name == "street" else name


def _refuse(row: RowResult, errors: dict) -> bool:
    for name, messages in errors.items():
        for message in messages:
            row.error(COLUMN_OF_FIELD.get(name, name), message)
    return bool(errors)


def _business_kind(values) -> str:
    if values["organization_form"] == "pne":
        return Credential.Kind.PNE_CERTIFICATE
    return Credential.Kind.BUSINESS_LICENCE


def _credential_values(spec: dict, today) -> dict:
    values = {
        "number": spec["number"],
        "issuer": spec.get("issuer", ""),
        "issued_on": spec.get("issued_on"),
        "expires_on": spec.get("expires_on"),
        "scope": spec.get("scope", ""),
    }
    values["expiry_state"] = Credential(expires_on=values["expires_on"]).expiry_on(today)
    return values


def _group(model, institution_ids) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in model.objects.filter(institution_id__in=institution_ids):
        grouped.setdefault(row.institution_id, []).append(row)
    return grouped


def plan_rows(job, checked: list[RowResult], *, today: dt.date) -> Plan:
    """Match rows to institutions by credit code and decide what each row changes."""
    plan = Plan()
    seen: dict[str, int] = {}
    for r in (r for r in checked if not r.errors):
        code = r.values["credit_code"]
        if code in seen:
            r.error(
                "credit_code",
                _("The same credit code is already on row %(row)s of this file.")
                % {"row": seen[code]},
            )
        else:
            seen[code] = r.line
    existing = {i.credit_code: i for i in Institution.objects.filter(credit_code__in=list(seen))}
    mine = [i.pk for i in existing.values() if i.bureau_id == job.bureau_id]
    on_file = {
        "credentials": {
            pk: {c.kind: c for c in rows} for pk, rows in _group(Credential, mine).items()
        },
        "staff": _group(Staff, mine),
        "sites": _group(Site, mine),
    }
    for r in (r for r in checked if not r.errors):
        v = r.values
        institution = existing.get(v["credit_code"])
        if institution is not None and institution.bureau_id != job.bureau_id:
            r.error("credit_code", rules.CREDIT_CODE_TAKEN)
            continue
        wanted = {}
        if v.get("licence"):
            wanted[Credential.Kind.SCHOOL_LICENCE] = _credential_values(v["licence"], today)
        if v.get("business"):
            wanted[_business_kind(v)] = _credential_values(v["business"], today)
        valid = {k for k, c in wanted.items() if c["expiry_state"] != Credential.Expiry.EXPIRED}
        if institution is None:
            # A new record is a registration (seed 003 §12 §13), then its steps from 筹设.
            if _refuse(r, rules.institution_refusals(before=None, after=v)):
                continue
            refusal = rules.new_record_status_refusal(status=v["status"], valid_kinds=valid)
            if refusal:
                r.error("status", refusal)
                continue
            plan.new.append((r, wanted))
            continue
        _plan_existing(plan, r, institution, wanted, valid, on_file, today)
    return plan


def _plan_existing(plan, r, institution, wanted, valid, on_file, today):
    v = r.values
    if v["category"] == institution.category:
        # The competent department may have been edited by staff: keep it.
        v["department"] = institution.department
    if v["name"] == institution.name:
        v["name_initials"] = institution.name_initials
        v["search_bigrams"] = institution.search_bigrams
    else:
        v["name_initials"] = pinyin_initials(v["name"])
        v["search_bigrams"] = search_bigrams(v["name"], v["name_initials"])
    changed_fields = [
        name
        for name in INSTITUTION_IMPORT_FIELDS
        if getattr(institution, attname(name)) != v[attname(name)]
    ]
    # The same rules as a change through the service (an existing record keeps what it had).
    if _refuse(r, rules.institution_refusals(before=institution, after=v)):
        return
    status = v["status"]
    credentials = on_file["credentials"].get(institution.pk, {})
    if status != institution.status:
        valid = valid | {c.kind for c in credentials.values() if c.is_valid_on(today)}
        refusal = rules.transition_refusal(
            from_status=institution.status, to_status=status, valid_kinds=valid
        )
        if refusal:
            r.error("status", refusal)
            return
    credential_objects = dict(credentials)
    any_credential_change = False
    for kind, values in wanted.items():
        current = credentials.get(kind)
        if current is None:
            new = Credential(institution=institution, kind=kind, **values)
            plan.credentials_new.append(new)
            credential_objects[kind] = new
            any_credential_change = True
            continue
        diff = [k for k, value in values.items() if getattr(current, k) != value]
        if diff:
            for k in diff:
                setattr(current, k, values[k])
            plan.credentials_changed.append(current)
            any_credential_change = True
    if not changed_fields and status == institution.status and not any_credential_change:
        plan.unchanged += 1
        return
    for name in changed_fields:
        setattr(institution, attname(name), v[attname(name)])
    if status != institution.status:
        plan.status_changes.append(
            StatusChange(
                institution=institution,
                from_status=institution.status,
                to_status=status,
                reason=_("Survey import"),
                decided_on=today,
            )
        )
        institution.status = status
        changed_fields.append("status")
    institution.warning_codes = keep_foreign(
        rules.warning_codes(
            institution=institution,
            credentials=list(credential_objects.values()),
            staff=on_file["staff"].get(institution.pk, []),
            sites=on_file["sites"].get(institution.pk, []),
            today=today,
        ),
        institution.warning_codes,
    )
    changed_fields += ["warning_codes", "updated_at"]
    institution.updated_at = timezone.now()
    plan.changed.append((institution, changed_fields))


def new_institutions(job, plan: Plan, *, today) -> list[tuple[Institution, list]]:
    """The institutions (and their credentials) the new rows create, not yet saved."""
    created = []
    for r, wanted in plan.new:
        v = r.values
        v["name_initials"] = pinyin_initials(v["name"])
        v["search_bigrams"] = search_bigrams(v["name"], v["name_initials"])
        institution = Institution(
            bureau_id=job.bureau_id,
            status=v["status"],
            **{attname(n): v[attname(n)] for n in INSTITUTION_IMPORT_FIELDS},
        )
        credentials = [Credential(kind=k, **values) for k, values in wanted.items()]
        institution.warning_codes = rules.warning_codes(
            institution=institution, credentials=credentials, staff=[], sites=[], today=today
        )
        created.append((institution, credentials))
    return created
