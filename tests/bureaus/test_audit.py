"""Every write of a bureau-owned record lands in the audit trail, which cannot be altered."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bureaus.models import AuditEvent, AuditSeal, Street
from bureaus.services import audit_seal_days
from tests.conftest import owner_cursor


def test_page_write_records_who_what_where(client, tree):
    admin = tree.user("a", "admin")
    client.force_login(admin)
    response = client.post(
        reverse("bureaus:street-create"),
        {"name": "北山街道"},
        HTTP_X_REQUEST_ID="req-12345678",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    street = Street.objects.get(name="北山街道")
    event = AuditEvent.objects.get(model="bureaus.street", object_id=str(street.pk))
    assert event.action == "create"
    assert event.actor == admin
    assert event.bureau == tree.a
    assert event.changes["name"] == "北山街道"
    assert event.request_id == "req-12345678"
    assert event.ip == "10.1.2.3"

    client.post(reverse("bureaus:street-update", args=[street.pk]), {"name": "西溪街道"})
    update = AuditEvent.objects.filter(object_id=str(street.pk), action="update").get()
    assert update.changes == {"name": ["北山街道", "西溪街道"]}


def test_api_writes_and_deletes_are_audited(tree):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(tree.user("a", "admin"))
    created = client.post("/api/v1/streets/", {"name": "翠苑街道"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.delete(f"/api/v1/streets/{pk}/").status_code == 204
    actions = list(
        AuditEvent.objects.filter(model="bureaus.street", object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]


def test_queryset_update_and_delete_are_audited(tree, as_system):
    Street.objects.create(bureau=tree.a, name="文新街道")
    Street.objects.filter(name="文新街道").update(name="古荡街道")
    Street.objects.filter(name="古荡街道").delete()
    actions = list(
        AuditEvent.objects.filter(model="bureaus.street")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE bureaus_auditevent SET actor_repr = 'x'", "DELETE FROM bureaus_auditevent"],
)
def test_audit_rows_cannot_be_changed_or_deleted(tree, as_system, statement):
    Street.objects.create(bureau=tree.a, name="蒋村街道")
    assert AuditEvent.objects.exists()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(actor_repr="system:tests").exists()


def test_auditor_reads_the_trail_others_do_not(client, tree, as_system):
    Street.objects.create(bureau=tree.a, name="留下街道")
    client.force_login(tree.user("a", "auditor"))
    response = client.get(reverse("bureaus:auditevent-list"))
    assert response.status_code == 200
    assert "留下街道" in response.content.decode()
    client.force_login(tree.user("a", "officer"))
    assert client.get(reverse("bureaus:auditevent-list")).status_code == 403
    assert client.get("/api/v1/audit-events/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_seal_days_is_idempotent_and_detects_tampering(tree, as_system):
    Street.objects.create(bureau=tree.a, name="转塘街道")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert audit_seal_days(today=tomorrow) == {"sealed": 1, "verified": 0, "tampered": 0}
    assert audit_seal_days(today=tomorrow) == {"sealed": 0, "verified": 1, "tampered": 0}
    # A superuser who bypasses the trigger still cannot hide it from the seal (the application's
    # own role may not even disable the trigger: it owns no table).
    with owner_cursor() as cursor:
        cursor.execute("ALTER TABLE bureaus_auditevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE bureaus_auditevent SET actor_repr = 'forged'")
        cursor.execute("ALTER TABLE bureaus_auditevent ENABLE TRIGGER USER")
    assert audit_seal_days(today=tomorrow)["tampered"] == 1
    assert AuditSeal.objects.get().intact is False
