"""Survey import (摸排造册, seed 001 篇1 篇5) and spreadsheet export.

A district uploads an .xlsx or .csv with the template's Chinese headers. The file is refused as
a whole (nothing written) when it is not what it claims to be, too large, unreadable or has the
wrong headers. Otherwise every row is checked; good rows create or update institutions matched
by credit code (never duplicated), bad rows are reported by row, column and reason, and all
writes of one import happen in one transaction, audited.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

import magic
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from bureaus.models import Street
from institutions import credit_code as cc
from institutions import rules, services
from institutions.models import (
    Credential,
    ImportJob,
    Institution,
    Site,
    Staff,
    StatusChange,
    pinyin_initials,
    search_bigrams,
)

PROGRESS_EVERY = 500

# (key, Chinese header, required value). The header is what the template and the error report
# show; the file must have exactly these columns (in any order).
COLUMNS = [
    ("name", "机构名称", True),
    ("credit_code", "统一社会信用代码", True),
    ("category", "类别", True),
    ("organization_form", "组织形式", False),
    ("profit", "营利性质", False),
    ("delivery", "培训方式", False),
    ("audience", "培训对象", False),
    ("status", "状态", True),
    ("street", "所在街道", False),
    ("address", "地址", False),
    ("contact_name", "联系人", False),
    ("contact_phone", "联系电话", False),
    ("licence_number", "办学许可证编号", False),
    ("licence_issuer", "发证机关", False),
    ("licence_issued_on", "发证日期", False),
    ("licence_expires_on", "有效期至", False),
    ("licence_scope", "核准办学范围", False),
    ("business_number", "营业执照或登记证书编号", False),
]
HEADER = {key: header for key, header, _required in COLUMNS}

CATEGORY = {
    "学科类": "academic",
    "文化艺术": "arts",
    "文化艺术类": "arts",
    "体育": "sports",
    "体育类": "sports",
    "科技": "science",
    "科技类": "science",
    "职业技能": "vocational",
    "职业技能类": "vocational",
    "托管": "care",
}
ORGANIZATION_FORM = {"公司": "company", "企业": "company", "民办非企业单位": "pne", "其他": "other"}
PROFIT = {
    "营利": "for_profit",
    "营利性": "for_profit",
    "非营利": "non_profit",
    "非营利性": "non_profit",
}
DELIVERY = {"线下": "offline", "线上": "online"}
AUDIENCE = {
    "学龄前": "audience_preschool",
    "义务教育": "audience_compulsory",
    "高中": "audience_highschool",
}
STATUS = {
    "筹设": "preparing",
    "申报": "preparing",
    "正常": "normal",
    "停办整改": "suspended",
    "取缔": "banned",
    "注销": "deregistered",
    "歇业": "closed",
    "自行停办": "closed",
}
CATEGORY_LABEL = {
    "academic": "学科类",
    "arts": "文化艺术",
    "sports": "体育",
    "science": "科技",
    "vocational": "职业技能",
    "care": "托管",
}
STATUS_LABEL = {
    "preparing": "筹设",
    "normal": "正常",
    "suspended": "停办整改",
    "banned": "取缔",
    "deregistered": "注销",
    "closed": "歇业",
}
FORM_LABEL = {"company": "公司", "pne": "民办非企业单位", "other": "其他"}
PROFIT_LABEL = {"for_profit": "营利", "non_profit": "非营利"}
DELIVERY_LABEL = {"offline": "线下", "online": "线上"}

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
SPLIT = re.compile(r"[、,，;；/\s]+")
INSTITUTION_IMPORT_FIELDS = (
    "name",
    "name_initials",
    "search_bigrams",
    "credit_code",
    "category",
    "department",
    "organization_form",
    "profit",
    "delivery",
    "audience_preschool",
    "audience_compulsory",
    "audience_highschool",
    "street",
    "address",
    "contact_name",
    "contact_phone",
)
CREDENTIAL_FIELDS = ("number", "issuer", "issued_on", "expires_on", "scope", "expiry_state")


class FileRefused(Exception):
    """The whole file is refused; the message says why, in Chinese, for the uploader."""


def max_bytes() -> int:
    return settings.INSTITUTION_IMPORT_MAX_BYTES


def check_file(upload) -> str:
    """Refuse a file that is too large, of the wrong type or whose content does not match its
    extension; returns the kind ("xlsx" or "csv")."""
    name = (upload.name or "").lower()
    kind = name.rsplit(".", 1)[-1] if "." in name else ""
    if kind not in ("xlsx", "csv"):
        raise FileRefused(_("Upload an .xlsx or .csv file made from the template."))
    limit = max_bytes()
    if upload.size > limit:
        raise FileRefused(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": round(limit / 1024 / 1024, 1)}
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    mime = magic.from_buffer(head, mime=True)
    if kind == "xlsx" and mime not in (
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    ):
        raise FileRefused(
            _("This file is not an Excel workbook, whatever its name says (%(mime)s).")
            % {"mime": mime}
        )
    if kind == "xlsx" and not head.startswith(b"PK"):
        raise FileRefused(_("This file is not an Excel workbook, whatever its name says."))
    if kind == "csv" and not (mime.startswith("text/") or mime in ("application/csv",)):
        raise FileRefused(
            _("This file is not a CSV text file, whatever its name says (%(mime)s).")
            % {"mime": mime}
        )
    return kind


def read_rows(data: bytes, kind: str) -> list[list]:
    """All rows of the first sheet (or the CSV), header first; a corrupt file is refused."""
    if kind == "csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileRefused(_("The CSV file is neither UTF-8 nor GBK text."))
        return list(csv.reader(io.StringIO(text)))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise FileRefused(
            _(
                "The Excel file cannot be read; it may be damaged. Save it again from Excel "
                "or start from the template."
            )
        ) from exc


def check_header(header_row) -> dict[str, int]:
    """Column positions by key; wrong or missing headers refuse the file."""
    found = {}
    unknown = []
    for index, cell in enumerate(header_row):
        text = str(cell or "").strip()
        if not text:
            continue
        key = next((k for k, h, _r in COLUMNS if h == text), None)
        if key is None:
            unknown.append(text)
        else:
            found[key] = index
    missing = [h for k, h, _r in COLUMNS if k not in found]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(c)s") % {"c": "、".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(c)s") % {"c": "、".join(unknown)})
        raise FileRefused(
            _(
                "The headers do not match the template (%(detail)s). Download the template and "
                "copy your data into it."
            )
            % {"detail": "；".join(parts)}
        )
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _date(value):
    """A date from a cell; None when empty; raises ValueError when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class RowResult:
    line: int
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column key, reason)

    def error(self, key, reason):
        self.errors.append((key, reason))


def _choice(row: RowResult, raw: dict, key: str, mapping: dict, default=None):
    text = _text(raw.get(key))
    if not text:
        if default is None:
            row.error(key, _("This column is required."))
        return default
    if text not in mapping:
        row.error(
            key,
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": text, "choices": "、".join(dict.fromkeys(mapping))},
        )
        return default
    return mapping[text]


def check_row(line: int, raw: dict, *, streets: dict, today: dt.date) -> RowResult:
    """Check one row's cells; no database access (existing records are compared later)."""
    row = RowResult(line=line)
    v = row.values
    v["name"] = _text(raw.get("name"))
    if not v["name"]:
        row.error("name", _("This column is required."))
    elif len(v["name"]) > 200:
        row.error("name", _("At most 200 characters."))
    code = cc.normalize(_text(raw.get("credit_code")))
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
        message = services.credit_code_error(code)
        if message:
            row.error("credit_code", message)
    v["category"] = _choice(row, raw, "category", CATEGORY)
    v["organization_form"] = _choice(row, raw, "organization_form", ORGANIZATION_FORM, "company")
    v["profit"] = _choice(row, raw, "profit", PROFIT, "for_profit")
    v["delivery"] = _choice(row, raw, "delivery", DELIVERY, "offline")
    v["status"] = _choice(row, raw, "status", STATUS)
    for key in AUDIENCE.values():
        v[key] = False
    for part in SPLIT.split(_text(raw.get("audience"))):
        if not part:
            continue
        if part not in AUDIENCE:
            row.error(
                "audience",
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": part, "choices": "、".join(AUDIENCE)},
            )
        else:
            v[AUDIENCE[part]] = True
    street_name = _text(raw.get("street"))
    v["street_id"] = None
    if street_name:
        if street_name not in streets:
            row.error("street", _("No street of this name in your district."))
        else:
            v["street_id"] = streets[street_name]
    v["address"] = _text(raw.get("address"))[:300]
    v["contact_name"] = _text(raw.get("contact_name"))[:50]
    phone = _text(raw.get("contact_phone")).replace(" ", "")
    if phone and not PHONE.match(phone):
        row.error("contact_phone", _("Not a mobile (11 digits) or landline number."))
    v["contact_phone"] = phone
    dates = {}
    for key in ("licence_issued_on", "licence_expires_on"):
        try:
            dates[key] = _date(raw.get(key))
        except ValueError:
            row.error(key, _("Not a date; write it as 2025-06-30."))
            dates[key] = None
    licence_number = _text(raw.get("licence_number"))
    if licence_number:
        if (
            dates["licence_issued_on"]
            and dates["licence_expires_on"]
            and (dates["licence_expires_on"] < dates["licence_issued_on"])
        ):
            row.error("licence_expires_on", _("The expiry date is before the issue date."))
        v["licence"] = {
            "number": licence_number[:64],
            "issuer": _text(raw.get("licence_issuer"))[:100],
            "issued_on": dates["licence_issued_on"],
            "expires_on": dates["licence_expires_on"],
            "scope": _text(raw.get("licence_scope")),
        }
    elif any(_text(raw.get(k)) for k in ("licence_issuer", "licence_scope")) or any(dates.values()):
        row.error("licence_number", _("Licence details are given without the licence number."))
    business = _text(raw.get("business_number"))
    v["business"] = {"number": business[:64]} if business else None
    if v["category"] and v["status"] == "preparing":
        # A row still 筹设 is a new application: seed 003 §12 §13 apply as for a new record.
        refusal = services.new_institution_refusal(**services.institution_kind(v))
        if refusal:
            row.error("category", refusal)
        elif v["category"] == "academic" and v["profit"] == "for_profit":
            row.error("profit", _("An academic institution must be registered as non-profit."))
    if not row.errors:
        v["name_initials"] = None  # computed only for rows that create or rename (it is slow)
        v["department"] = Institution.DEPARTMENT_FOR_CATEGORY[v["category"]]
    return row


def _business_kind(values) -> str:
    if values["organization_form"] == "pne":
        return Credential.Kind.PNE_CERTIFICATE
    return Credential.Kind.BUSINESS_LICENCE


def _progress(job, **counts):
    # Progress ticks are not domain data: written without an audit event (the job's start and
    # its result are audited through save()).
    ImportJob._base_manager.filter(pk=job.pk).update(**counts)
    for name, value in counts.items():
        setattr(job, name, value)


def import_run(*, job_id: int) -> dict:
    """Run one import job to the end. A finished job is not run again."""
    job = ImportJob._base_manager.select_related("bureau").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return {"skipped": True}
    job.state = ImportJob.State.RUNNING
    job.save()
    try:
        result = _run(job)
    except FileRefused as exc:
        _finish(job, state=ImportJob.State.FAILED, message=str(exc))
        return {"refused": str(exc)}
    except Exception:
        _finish(
            job,
            state=ImportJob.State.FAILED,
            message=_(
                "The import stopped on an unexpected error; nothing was written. "
                "Please try again or contact the administrator."
            ),
        )
        raise
    return result


def _finish(job, *, state, message="", **counts):
    for name, value in counts.items():
        setattr(job, name, value)
    job.state = state
    job.message = message
    job.finished_at = timezone.now()
    job.processed_rows = job.total_rows
    job.save()


def _run(job: ImportJob) -> dict:
    today = timezone.localdate()
    with default_storage.open(job.file, "rb") as f:
        data = f.read()
    upload = _Upload(job.original_name, data)
    kind = check_file(upload)
    rows = read_rows(data, kind)
    if not rows:
        raise FileRefused(_("The file is empty."))
    positions = check_header(rows[0])
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(_text(c) for c in r)]
    if not body:
        raise FileRefused(_("The file has headers but no rows."))
    total = len(body)
    _progress(job, total_rows=total, processed_rows=0)
    streets = dict(Street._base_manager.filter(bureau_id=job.bureau_id).values_list("name", "id"))
    checked: list[RowResult] = []
    width = max(positions.values()) + 1
    for n, (line, cells) in enumerate(body, start=1):
        cells = list(cells) + [None] * (width - len(cells))
        raw = {key: cells[index] for key, index in positions.items()}
        checked.append(check_row(line, raw, streets=streets, today=today))
        if n % PROGRESS_EVERY == 0:
            _progress(job, processed_rows=n)
    plan = _plan(job, checked, today=today)
    _progress(job, processed_rows=total, state=ImportJob.State.WRITING)
    with transaction.atomic():
        _write(job, plan, today=today)
    errors = [
        {"row": r.line, "column": HEADER.get(key, key), "reason": str(reason)}
        for r in checked
        for key, reason in r.errors
    ]
    counts = {
        "created_count": len(plan.new),
        "updated_count": len(plan.changed),
        "unchanged_count": plan.unchanged,
        "error_count": len({e["row"] for e in errors}),
        "errors": errors,
    }
    _finish(job, state=ImportJob.State.DONE, **counts)
    return {k: v for k, v in counts.items() if k != "errors"}


@dataclass
class _Upload:
    name: str
    data: bytes

    @property
    def size(self):
        return len(self.data)

    def seek(self, pos):
        self._pos = pos

    def read(self, n):
        return self.data[:n]


@dataclass
class _Plan:
    new: list = field(default_factory=list)  # RowResult
    changed: list = field(default_factory=list)  # (Institution, fields, RowResult, status)
    credentials_new: list = field(default_factory=list)
    credentials_changed: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    unchanged: int = 0


def _credential_values(spec: dict, today) -> dict:
    values = {
        "number": spec["number"],
        "issuer": spec.get("issuer", ""),
        "issued_on": spec.get("issued_on"),
        "expires_on": spec.get("expires_on"),
        "scope": spec.get("scope", ""),
    }
    probe = Credential(expires_on=values["expires_on"])
    values["expiry_state"] = probe.expiry_on(today)
    return values


def _plan(job, checked: list[RowResult], *, today) -> _Plan:
    """Match rows to institutions by credit code and decide what each row changes."""
    plan = _Plan()
    good = [r for r in checked if not r.errors]
    seen: dict[str, int] = {}
    for r in good:
        code = r.values["credit_code"]
        if code in seen:
            r.error(
                "credit_code",
                _("The same credit code is already on row %(row)s of this file.")
                % {"row": seen[code]},
            )
        else:
            seen[code] = r.line
    good = [r for r in good if not r.errors]
    existing = {
        i.credit_code: i for i in Institution._base_manager.filter(credit_code__in=list(seen))
    }
    mine = [i.pk for i in existing.values() if i.bureau_id == job.bureau_id]
    credentials: dict[int, dict[str, Credential]] = {}
    for c in Credential._base_manager.filter(institution_id__in=mine):
        credentials.setdefault(c.institution_id, {})[c.kind] = c
    staff: dict[int, list] = {}
    for s in Staff._base_manager.filter(institution_id__in=mine):
        staff.setdefault(s.institution_id, []).append(s)
    sites: dict[int, list] = {}
    for s in Site._base_manager.filter(institution_id__in=mine):
        sites.setdefault(s.institution_id, []).append(s)

    for r in good:
        v = r.values
        institution = existing.get(v["credit_code"])
        if institution is not None and institution.bureau_id != job.bureau_id:
            r.error(
                "credit_code",
                _(
                    "This credit code is registered by another district; "
                    "it cannot be imported here."
                ),
            )
            continue
        wanted_credentials = {}
        if v.get("licence"):
            wanted_credentials[Credential.Kind.SCHOOL_LICENCE] = _credential_values(
                v["licence"], today
            )
        if v.get("business"):
            wanted_credentials[_business_kind(v)] = _credential_values(v["business"], today)
        if institution is None:
            plan.new.append((r, wanted_credentials))
            continue
        _plan_existing(plan, r, institution, wanted_credentials, credentials, staff, sites, today)
    return plan


def _plan_existing(plan, r, institution, wanted_credentials, credentials, staff, sites, today):
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
    changed_fields = []
    for name in INSTITUTION_IMPORT_FIELDS:
        attname = "street_id" if name == "street" else name
        if getattr(institution, attname) != v[attname]:
            changed_fields.append(name)
    # An existing record turned into a restricted kind is a new approval (seed 003 §12).
    refusal = services.restricted_change_refusal(before=institution, after=v)
    if refusal:
        r.error("category", refusal)
        return
    status = v["status"]
    on_file = list(credentials.get(institution.pk, {}).values())
    if status != institution.status:
        if status not in services.TRANSITIONS[institution.status]:
            r.error(
                "status",
                _("An institution cannot go from “%(from)s” to “%(to)s”.")
                % {"from": STATUS_LABEL[institution.status], "to": STATUS_LABEL[status]},
            )
            return
        if status == "normal":
            valid = {k for k, c in wanted_credentials.items() if c["expiry_state"] != "expired"}
            valid |= {c.kind for c in on_file if c.is_valid_on(today)}
            if Credential.Kind.SCHOOL_LICENCE not in valid or not valid & {
                Credential.Kind.BUSINESS_LICENCE,
                Credential.Kind.PNE_CERTIFICATE,
            }:
                r.error(
                    "status",
                    _(
                        "A valid school-running licence and business licence are "
                        "required to operate."
                    ),
                )
                return
    credential_objects = {c.kind: c for c in on_file}
    any_credential_change = False
    for kind, values in wanted_credentials.items():
        current = credentials.get(institution.pk, {}).get(kind)
        if current is None:
            new = Credential(
                bureau_id=institution.bureau_id, institution_id=institution.pk, kind=kind, **values
            )
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
        attname = "street_id" if name == "street" else name
        setattr(institution, attname, v[attname])
    if status != institution.status:
        plan.status_changes.append(
            StatusChange(
                bureau_id=institution.bureau_id,
                institution_id=institution.pk,
                from_status=institution.status,
                to_status=status,
                reason=_("Survey import"),
                decided_on=today,
            )
        )
        institution.status = status
        changed_fields.append("status")
    institution.warning_codes = rules.warning_codes(
        institution=institution,
        credentials=list(credential_objects.values()),
        staff=staff.get(institution.pk, []),
        sites=sites.get(institution.pk, []),
        today=today,
    )
    changed_fields += ["warning_codes", "updated_at"]
    institution.updated_at = timezone.now()
    plan.changed.append((institution, changed_fields))


def _write(job, plan: _Plan, *, today):
    """All writes of one import (one transaction, every row audited)."""
    new_institutions = []
    for r, wanted in plan.new:
        v = r.values
        v["name_initials"] = pinyin_initials(v["name"])
        v["search_bigrams"] = search_bigrams(v["name"], v["name_initials"])
        institution = Institution(
            bureau_id=job.bureau_id,
            status=v["status"],
            **{
                ("street_id" if n == "street" else n): v["street_id" if n == "street" else n]
                for n in INSTITUTION_IMPORT_FIELDS
            },
        )
        credentials = [Credential(kind=k, **values) for k, values in wanted.items()]
        institution.warning_codes = rules.warning_codes(
            institution=institution, credentials=credentials, staff=[], sites=[], today=today
        )
        new_institutions.append((institution, credentials))
    Institution.objects.bulk_create([i for i, _c in new_institutions], batch_size=1000)
    for institution, credentials in new_institutions:
        for credential in credentials:
            credential.bureau_id = institution.bureau_id
            credential.institution_id = institution.pk
            plan.credentials_new.append(credential)
    if plan.changed:
        fields = sorted({f for _i, fs in plan.changed for f in fs})
        Institution.objects.bulk_update([i for i, _f in plan.changed], fields, batch_size=1000)
    Credential.objects.bulk_create(plan.credentials_new, batch_size=1000)
    if plan.credentials_changed:
        Credential.objects.bulk_update(
            plan.credentials_changed, list(CREDENTIAL_FIELDS), batch_size=1000
        )
    StatusChange.objects.bulk_create(plan.status_changes, batch_size=1000)


@transaction.atomic
def import_job_create(*, actor, bureau, upload) -> ImportJob:
    """Accept an upload for import: the file is checked (type, size, readable, headers) before
    a job exists, and the job is queued after commit."""
    kind = check_file(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    rows = read_rows(data, kind)
    if not rows:
        raise FileRefused(_("The file is empty."))
    check_header(rows[0])
    job = ImportJob(
        bureau=bureau,
        original_name=upload.name[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    stamp = timezone.localtime().strftime("%Y/%m")
    job.file = default_storage.save(f"imports/{stamp}/{bureau.code}-{upload.name}", upload)
    job.save()
    from institutions.tasks import import_run as task

    queue = settings.INSTITUTION_IMPORT_QUEUE
    transaction.on_commit(lambda: task.apply_async(args=[job.pk], queue=queue))
    return job


def _text_cells(sheet, values):
    """Cells whose text is never read as a formula: openpyxl stores a string starting with "="
    as one, and a name typed as "=HYPERLINK(…)" must not become a live link (CSV injection)."""
    cells = []
    for value in values:
        if isinstance(value, str):
            # A control character stored before input was checked must not break the file.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def _workbook_response_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    """The survey template: Chinese headers, one example row, and the allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "机构"
    sheet.append([h for _k, h, _r in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "西湖书画艺术培训有限公司",
            "91350100M000100Y43",
            "文化艺术",
            "公司",
            "营利",
            "线下",
            "义务教育",
            "正常",
            "",
            "文三路100号3楼",
            "王老师",
            "13800138000",
            "教民133010670000012号",
            "杭州市西湖区教育局",
            "2024-03-01",
            "2027-02-28",
            "书法、国画",
            "91350100M000100Y43",
        ]
    )
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQR",
        (30, 22, 10, 14, 10, 10, 16, 10, 12, 30, 10, 14, 24, 20, 12, 12, 20, 22),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "是否必填", "可填写的值"])
    allowed = {
        "category": "、".join(CATEGORY_LABEL.values()),
        "organization_form": "、".join(FORM_LABEL.values()) + "（默认公司）",
        "profit": "营利、非营利（默认营利）",
        "delivery": "线下、线上（默认线下）",
        "audience": "学龄前、义务教育、高中，可填多个，用顿号分隔",
        "status": "、".join(STATUS_LABEL.values()),
        "credit_code": "18位，校验位按 GB 32100-2015 检查；再次导入时按此代码更新，不会重复",
        "licence_issued_on": "日期，如 2025-06-30",
        "licence_expires_on": "日期，如 2028-06-29；长期有效可不填",
        "street": "本区街道名称",
    }
    for key, header, required in COLUMNS:
        notes.append([header, "必填" if required else "", allowed.get(key, "")])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["C"].width = 70
    return _workbook_response_bytes(workbook)


def error_workbook(job: ImportJob) -> bytes:
    """The error report of an import: one line per problem (row, column, reason)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误报告")
    sheet.append(["行号", "列", "原因"])
    for error in job.errors:
        sheet.append(_text_cells(sheet, [error["row"], error["column"], error["reason"]]))
    return _workbook_response_bytes(workbook)


def export_workbook(institutions) -> bytes:
    """A filtered list of institutions as .xlsx (no personal data: phones are left out)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("机构")
    sheet.append(
        [
            "机构名称",
            "统一社会信用代码",
            "类别",
            "组织形式",
            "营利性质",
            "培训方式",
            "培训对象",
            "状态",
            "所在街道",
            "地址",
            "办学许可证有效期至",
            "白名单",
            "黑名单",
            "规则提示",
            "所属教育局",
        ]
    )
    for i in institutions.iterator(chunk_size=2000):
        audience = "、".join(k for k, attr in AUDIENCE.items() if getattr(i, attr))
        sheet.append(
            _text_cells(
                sheet,
                [
                    i.name,
                    i.credit_code,
                    CATEGORY_LABEL.get(i.category, i.category),
                    FORM_LABEL.get(i.organization_form, ""),
                    PROFIT_LABEL.get(i.profit, ""),
                    DELIVERY_LABEL.get(i.delivery, ""),
                    audience,
                    STATUS_LABEL.get(i.status, i.status),
                    i.street.name if i.street_id else "",
                    i.address,
                    getattr(i, "licence_expires_on", None),
                    "是" if getattr(i, "on_white", False) else "",
                    "是" if getattr(i, "on_black", False) else "",
                    "；".join(str(x) for x in rules.labels(i.warning_codes)),
                    i.bureau.name,
                ],
            )
        )
    return _workbook_response_bytes(workbook)
