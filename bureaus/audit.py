"""The audit trail: every create, update and delete of a bureau-owned record, with who, when,
the bureau, the values before and after, and the request it came from.

Guarantee: values of a model's `audit_redact` fields never enter an audit row (shown as "***").
"""

import datetime as dt
import hashlib
import json
import operator

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from bureaus import copying
from bureaus.context import current_actor
from bureaus.models import AuditEvent

REDACTED = "***"


def _concrete_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _value(instance, field):
    value = field.value_from_object(instance)
    if isinstance(value, FieldFile):
        # A file is recorded by its stored name (the file object itself is not JSON).
        return value.name or ""
    return value


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _redact(model, data: dict) -> dict:
    redact = getattr(model, "audit_redact", frozenset())
    return {k: (REDACTED if k in redact and v not in (None, "") else v) for k, v in data.items()}


def _fields_dict(instance) -> dict:
    return {f.attname: _value(instance, f) for f in _concrete_fields(type(instance))}


def snapshot(instance) -> dict | None:
    """The stored values of an instance about to be saved, or None if it is new."""
    if instance._state.adding or instance.pk is None:
        return None
    model = type(instance)
    names = [f.attname for f in _concrete_fields(model)]
    return model._base_manager.filter(pk=instance.pk).values(*names).first()


def _actor_columns() -> dict:
    """Who acts, as an audit row records it (the same for every row a write makes)."""
    actor = current_actor()
    return {
        "actor_id": actor.user_id if actor else None,
        "actor_repr": (actor.user_repr if actor else "system")[:150],
        "request_id": actor.request_id if actor else "",
        "ip": actor.ip if actor else None,
    }


def _event(model, *, bureau_id, action, object_id, object_repr, changes):
    return AuditEvent(
        bureau_id=bureau_id,
        action=action,
        model=model._meta.label_lower,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        changes=_jsonable(changes),
        **_actor_columns(),
    )


def _record_event(model, record, *, action, changes, object_id=None):
    """The event of one record (its primary key unless `object_id` is given: a deleted row)."""
    return _event(
        model,
        bureau_id=record.bureau_id,
        action=action,
        object_id=record.pk if object_id is None else object_id,
        object_repr=record,
        changes=changes,
    )


def _diff(model, before: dict, after: dict) -> dict:
    changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    redact = getattr(model, "audit_redact", frozenset())
    return {k: ([REDACTED, REDACTED] if k in redact else v) for k, v in changed.items()}


def record_save(instance, *, before: dict | None) -> None:
    model = type(instance)
    after = _fields_dict(instance)
    if before is None:
        action, changes = AuditEvent.Action.CREATE, _redact(model, after)
    else:
        changes = _diff(model, before, after)
        if not changes:
            return
        action = AuditEvent.Action.UPDATE
    _record_event(type(instance), instance, action=action, changes=changes).save()


def record_delete(instance, *, pk) -> None:
    model = type(instance)
    changes = _redact(model, _fields_dict(instance))
    _record_event(
        model, instance, action=AuditEvent.Action.DELETE, changes=changes, object_id=pk
    ).save()


def record_event(instance, *, action: str, changes: dict) -> None:
    """A domain event on a record that is not a plain field change (e.g. revealing personal
    data to a user)."""
    _record_event(type(instance), instance, action=action, changes=changes).save()


def snapshot_rows(queryset, *, fields) -> list[dict]:
    attnames = [queryset.model._meta.get_field(f).attname for f in fields]
    return list(queryset.values("pk", "bureau_id", *attnames))


def record_bulk_update(model, *, before: list[dict], fields) -> None:
    if not before:
        return
    attnames = [model._meta.get_field(f).attname for f in fields]
    after = {
        row["pk"]: row
        for row in model._base_manager.filter(pk__in=[r["pk"] for r in before]).values(
            "pk", *attnames
        )
    }
    events = []
    for row in before:
        new = after.get(row["pk"], {})
        changes = _diff(model, {a: row[a] for a in attnames}, {a: new.get(a) for a in attnames})
        if changes:
            events.append(
                _event(
                    model,
                    bureau_id=row["bureau_id"],
                    action=AuditEvent.Action.UPDATE,
                    object_id=row["pk"],
                    object_repr=f"{model._meta.verbose_name} {row['pk']}",
                    changes=changes,
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def _record_rows(model, rows, *, action) -> None:
    AuditEvent.objects.bulk_create(
        [
            _record_event(model, row, action=action, changes=_redact(model, _fields_dict(row)))
            for row in rows
        ],
        batch_size=1000,
    )


def record_bulk_delete(model, rows) -> None:
    _record_rows(model, rows, action=AuditEvent.Action.DELETE)


def record_bulk_create(model, rows) -> None:
    _record_rows(model, rows, action=AuditEvent.Action.CREATE)


def record_bulk_copy(model, rows, *, using: str = "default") -> None:
    """record_bulk_create written with COPY (bureaus.copying), for `bulk_copy`: the same audit
    rows, column for column (the actor, the record's text, its redacted values as JSON), ids
    reserved from the trail's sequence in the order of `rows`, so that the day's digest and
    seal read them as they would read bulk_create's."""
    rows = list(rows)
    if not rows:
        return
    fields = _concrete_fields(model)
    plain = all(
        type(f).value_from_object is models.Field.value_from_object
        and not isinstance(f, models.FileField)
        for f in fields
    )
    if not plain or len(fields) < 2:
        values = _fields_dict
    else:
        # _fields_dict without a call per field: the same {attname: value}.
        names = [f.attname for f in fields]
        getter = operator.attrgetter(*names)

        def values(row):
            return dict(zip(names, getter(row), strict=True))

    changes = _changes_encoder(model)
    _copy_events(
        model,
        len(rows),
        ((row.bureau_id, row.pk, str(row), changes(values(row))) for row in rows),
        using=using,
    )


class RowsTrail:
    """One creation event for a bulk write of append-only rows (an import's ledger entries)
    instead of one per row (issue 14): `copy()` the rows, then `record()` the event in the same
    transaction: who, when, the bureau, the ids (after `after_id` up to `last_id`, from the
    table's sequence in the rows' order), the count and the SHA-256 of the rows' COPY text
    (`fields`: not the time), with what the caller adds (what tells its rows from others' in
    the range). Only for a model whose rows the database refuses to change or delete: the
    event, sealed with the day's trail, says what one per row did, and PostgreSQL's COPY TO
    of the rows gives the digest back (`text_digest`)."""

    def __init__(self, model, *, using: str = "default"):
        fields = model._meta.concrete_fields
        if not getattr(model, "append_only", False) or not fields[-1].auto_now_add:
            raise ValueError(f"RowsTrail: {model.__name__} is not append-only with a time last")
        self.model, self.using = model, using
        self.fields = [f.attname for f in fields[1:-1]]  # neither the id nor the time
        self.columns = [f.column for f in fields[1:]]
        self.after_id, self.last_id, self.count = None, None, 0
        self._digest = hashlib.sha256()

    def _sequence(self, function: str) -> int:
        table, pk = self.model._meta.db_table, self.model._meta.pk.column
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT {function}(pg_get_serial_sequence(%s, %s))", [table, pk])
            return cursor.fetchone()[0]

    def copy(self, lines: list[str], *, created_at) -> None:
        """COPY rows given as lines of COPY text of `fields` (no newline; values as
        copying.copy_escape, NULL as \\N), all created at `created_at`."""
        if not lines:
            return
        if self.after_id is None:
            self.after_id = self._sequence("nextval")  # below every id of the rows
        self._digest.update(("\n".join(lines) + "\n").encode())
        stamp = f"\t{created_at.isoformat()}\n"
        copying.copy_text(self.model, self.columns, stamp.join(lines) + stamp, using=self.using)
        self.last_id = self._sequence("currval")  # the last row's (this session's nextval)
        self.count += len(lines)

    def record(self, *, bureau_id: int, object_repr: str, changes: dict) -> None:
        """The one event of the rows copied (none when no row was)."""
        if not self.count:
            return
        trail = {"after_id": self.after_id, "last_id": self.last_id, "count": self.count}
        trail.update(fields=self.fields, sha256=self._digest.hexdigest())
        _event(
            self.model,
            bureau_id=bureau_id,
            action=AuditEvent.Action.CREATE,
            object_id=f"{self.after_id + 1}-{self.last_id}",
            object_repr=object_repr,
            changes={**changes, **trail},
        ).save()


def text_digest(query: str, *, using: str = "default") -> tuple[int, str]:
    """(rows, SHA-256) of `COPY (query) TO STDOUT`: RowsTrail's, for its fields in id order."""
    digest, count = hashlib.sha256(), 0
    with (
        connections[using].cursor() as cursor,
        cursor.cursor.copy(f"COPY ({query}) TO STDOUT") as copy,
    ):
        for data in copy:
            digest.update(data)
            count += bytes(data).count(b"\n")
    return count, digest.hexdigest()


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder that converts a repeated date or time once (a batch of rows shares
    its creation time and a few days): the same text, without a call to isoformat per row."""

    def __init__(self):
        super().__init__()
        self._seen = {}
        # json's C encoder made once (JSONEncoder.encode makes one per call), with the same
        # settings as encode's one-shot path: the same text.
        self._c_encode = json.encoder.c_make_encoder(
            None,
            self.default,
            json.encoder.encode_basestring_ascii,
            self.indent,
            self.key_separator,
            self.item_separator,
            self.sort_keys,
            self.skipkeys,
            self.allow_nan,
        )

    def encode(self, o):
        if self._c_encode is None or type(o) is not dict:
            return super().encode(o)
        return "".join(self._c_encode(o, 0))

    def default(self, o):
        if isinstance(o, dt.date):
            # Equal aware times in two zones print differently: the zone is part of the key.
            key = (type(o), getattr(o, "tzinfo", None), o)
            found = self._seen.get(key)
            if found is None:
                if len(self._seen) > 10_000:
                    self._seen.clear()
                found = self._seen[key] = super().default(o)
            return found
        return super().default(o)


def _changes_encoder(model):
    """A row's {attname: value} as the JSON an audit row stores (redacted as `_redact`)."""
    encode = _Encoder().encode  # what json.dumps(cls=DjangoJSONEncoder) writes
    if getattr(model, "audit_redact", None):
        return lambda values: encode(_redact(model, values))
    return encode


def _copy_events(model, count: int, events, *, using: str) -> None:
    """COPY `count` creation events, given as (bureau id, object id, object text, changes as
    JSON), into the trail, ids reserved in the order given."""
    ids = copying.reserve_ids(AuditEvent, count, using=using)
    now = timezone.now()
    label = model._meta.label_lower
    who = _actor_columns()
    actor_id, actor_repr, request_id, ip = map(
        who.get, ("actor_id", "actor_repr", "request_id", "ip")
    )
    action = AuditEvent.Action.CREATE.value
    columns = ["id", "at", "bureau_id", "actor_id", "actor_repr", "action", "model"]
    columns += ["object_id", "object_repr", "changes", "request_id", "ip"]
    copying.copy_rows(
        AuditEvent,
        [AuditEvent._meta.get_field(name).column for name in columns],
        (
            (
                event_id,
                now,
                bureau_id,
                actor_id,
                actor_repr,
                action,
                label,
                str(object_id),
                text[:200],
                changes,
                request_id,
                ip,
            )
            for event_id, (bureau_id, object_id, text, changes) in zip(ids, events, strict=True)
        ),
        using=using,
    )


def day_digest(rows: models.QuerySet) -> tuple[int, str]:
    """Row count and SHA-256 over every column of a day's audit rows, in id order."""
    digest = hashlib.sha256()
    count = 0
    columns = [f.attname for f in AuditEvent._meta.concrete_fields]
    for row in rows.order_by("id").values_list(*columns):
        digest.update(json.dumps(row, cls=DjangoJSONEncoder, sort_keys=True).encode())
        count += 1
    return count, digest.hexdigest()


def bureaus_written_since(at) -> set[int]:
    """The bureaus with a row written (created, changed, deleted) after `at`: what an
    incremental refresh of derived figures must recompute (reports' summary tables)."""
    return set(AuditEvent.objects.filter(at__gt=at).values_list("bureau_id", flat=True).distinct())
