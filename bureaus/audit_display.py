"""The audit trail in words: an event's record type, fields and values as a person reads them.

An audit row stores `app_label.model` and, per field, the raw values (`{attname: value}` for a
creation or deletion, `{attname: [before, after]}` for a change). Here they become the model's
and fields' verbose names, choices' labels, a related record's name (one query per related
model, read through the acting bureau's row-level security: a record the reader may not see
stays "#id"), money in yuan, dates and times in local time, lists joined, and "***" read as
withheld.
"""

import datetime as dt
from functools import lru_cache

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureaus.audit import REDACTED

MISSING = "—"


@lru_cache(maxsize=256)
def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label: str) -> str:
    """`complaints.supervisionorder` → 督办单; an unknown label is shown as it is."""
    model = _model(label)
    return str(model._meta.verbose_name) if model else label


# Names of fields declared without a verbose name (mostly bookkeeping), so that no raw
# attribute name reaches the page; a foreign key without one reads as its model's name.
FIELD_WORDS = {
    "active": gettext_lazy("Active"),
    "answered_by": gettext_lazy("Answered by"),
    "content_type": gettext_lazy("File type"),
    "created_at": gettext_lazy("Created at"),
    "created_by": gettext_lazy("Created by"),
    "drawn_at": gettext_lazy("Drawn at"),
    "drawn_by": gettext_lazy("Drawn by"),
    "escalated_at": gettext_lazy("Escalated at"),
    "evidence_at": gettext_lazy("Evidence submitted at"),
    "file": gettext_lazy("File"),
    "from_status": gettext_lazy("Status before"),
    "to_status": gettext_lazy("Status after"),
    "issued_by_user": gettext_lazy("Issued by (person)"),
    "position": gettext_lazy("Position"),
    "read_at": gettext_lazy("Read at"),
    "reissue_count": gettext_lazy("Times reissued"),
    "row_count": gettext_lazy("Rows"),
    "sealed_at": gettext_lazy("Sealed at"),
    "secret_hash": gettext_lazy("Secret (hash)"),
    "sessions_ended_at": gettext_lazy("Sessions ended at"),
    "size": gettext_lazy("Size"),
    "token": gettext_lazy("Token"),
    "updated_at": gettext_lazy("Updated at"),
    "uploaded_at": gettext_lazy("Uploaded at"),
    "uploaded_by": gettext_lazy("Uploaded by"),
    "verified_at": gettext_lazy("Verified at"),
    "verified_by": gettext_lazy("Verified by"),
}


def field_name(field, name: str) -> str:
    """A field's name in words: its verbose name, else FIELD_WORDS, else its related model's."""
    if field is None:
        return str(FIELD_WORDS.get(name.removesuffix("_id"), name))
    if isinstance(field.verbose_name, Promise):
        return str(field.verbose_name)
    if field.name in FIELD_WORDS:
        return str(FIELD_WORDS[field.name])
    if field.is_relation and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return field.verbose_name


def _fields_by_attname(model) -> dict:
    return {f.attname: f for f in model._meta.concrete_fields} if model else {}


def change_rows(event) -> list[dict]:
    """One row per field: {"field", "before", "after"} in words, in the model's field order."""
    model = _model(event.model)
    fields = _fields_by_attname(model)
    changes = event.changes if isinstance(event.changes, dict) else {}
    is_update = event.action == "update"
    pairs = {}
    for name, value in changes.items():
        if is_update and isinstance(value, list) and len(value) == 2:
            pairs[name] = (value[0], value[1])
        elif event.action == "delete":
            pairs[name] = (value, None)
        else:
            pairs[name] = (None, value)
    names = _related_names(fields, pairs)
    order = {name: i for i, name in enumerate(fields)}
    rows = []
    for name in sorted(pairs, key=lambda n: (order.get(n, len(order)), n)):
        field = fields.get(name)
        before, after = pairs[name]
        rows.append(
            {
                "field": field_name(field, name),
                "before": _word(field, before, names) if is_update or before is not None else "",
                "after": _word(field, after, names) if is_update or after is not None else "",
            }
        )
    return rows


def _related_names(fields, pairs) -> dict:
    """{(model, pk): name} of every record the changed foreign keys point at."""
    wanted: dict = {}
    for name, values in pairs.items():
        field = fields.get(name)
        if isinstance(field, models.ForeignKey):
            for value in values:
                if value not in (None, "", REDACTED):
                    wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for related, pks in wanted.items():
        for record in related.objects.filter(pk__in=pks):
            names[(related, record.pk)] = str(record)
    return names


def _word(field, value, names) -> str:
    if value == REDACTED:
        return _("(withheld)")
    if value is None or value == "":
        return MISSING
    if field is None:
        return _plain(value)
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        if isinstance(moment, dt.datetime):
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "Y-m-d H:i:s")
    if isinstance(field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else value
        if isinstance(day, dt.date):
            return formats.date_format(day, "Y-m-d")
    if field.attname.endswith("_fen") and isinstance(value, int):
        return _("%(yuan)s yuan") % {"yuan": f"{value / 100:,.2f}"}
    return _plain(value)


def _plain(value) -> str:
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value) or MISSING
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in value.items()) or MISSING
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)
