"""Backups restore to a working system: scripts/backup.sh dumps a database with data in every
app, scripts/restore.sh loads it into a fresh database, and the restored copy serves the same
institutions, tip-offs and audit trail — personal data readable with the key, not without."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import psycopg
import pytest
from django.conf import settings

from bureaus.context import acting, system_actor
from bureaus.services import audit_seal_days
from institutions.models import Staff
from institutions.services.registry import institution_register
from tests.complaints.conftest import submit
from tests.conftest import ROOT
from tests.institutions.conftest import valid_code

pytestmark = pytest.mark.django_db(transaction=True)

ID_NUMBER = "330106199001011234"
READ_BACK = r"""
import json, django
django.setup()
from bureaus.audit import day_digest
from bureaus.models import AuditEvent, AuditSeal
from bureaus.services import _day_rows
from complaints.models import Complaint
from institutions.models import Institution, Staff
facts = {
    "institutions": sorted(Institution.objects.values_list("name", flat=True)),
    "complaints": sorted(Complaint.objects.values_list("tracking_code", flat=True)),
    "audit_rows": AuditEvent.objects.count(),
    "seals_intact": all(
        day_digest(_day_rows(s.day)) == (s.row_count, s.digest) for s in AuditSeal.objects.all()
    ),
    "seals": AuditSeal.objects.count(),
}
try:
    facts["id_number"] = Staff.objects.get().id_number
    facts["reporter"] = Complaint.objects.exclude(reporter_name="").get().reporter_name
except ValueError as exc:
    facts["unreadable"] = str(exc)
print(json.dumps(facts, ensure_ascii=False))
"""


def _url(name):
    # Backups, restores and the read-back are the owner's work (scripts/backup.sh): the suite's
    # own connection is the application role, which row-level security limits.
    owner = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    db = settings.DATABASES["default"]
    return f"postgres://{owner['USER']}:{owner['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}"


def _read_back(database, key):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _url(database),
        "JIANGUAN_FIELD_ENCRYPTION_KEY": key,
    }
    out = subprocess.check_output([sys.executable, "-c", READ_BACK], cwd=ROOT, env=env, text=True)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def restored_name():
    name = f"{settings.DATABASES['default']['NAME']}_restored"
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_dump_serves_the_same_data_readable_only_with_the_key(
    tree, tmp_path, restored_name
):
    with acting(system_actor("tests")):
        institution = institution_register(
            actor=None,
            bureau=tree.a,
            name="备份测试培训学校",
            category="arts",
            credit_code=valid_code(1),
        )
        Staff.objects.create(institution=institution, name="李老师", id_number=ID_NUMBER)
    submit(tree.a, named=True)
    audit_seal_days(today=dt.date.today() + dt.timedelta(days=1))

    env = {
        **os.environ,
        "DATABASE_URL": _url(settings.DATABASES["default"]["NAME"]),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "JIANGUAN_FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
    }
    backups = tmp_path / "backups"
    dump = subprocess.check_output(
        ["scripts/backup.sh", str(backups)], cwd=ROOT, env=env, text=True
    ).strip()
    manifest = Path(dump).with_suffix(".manifest").read_text()
    assert settings.FIELD_ENCRYPTION_KEY not in manifest
    assert "field_encryption_key_sha256_prefix=" in manifest

    subprocess.check_call(["scripts/restore.sh", dump, _url(restored_name)], cwd=ROOT)

    original = _read_back(settings.DATABASES["default"]["NAME"], settings.FIELD_ENCRYPTION_KEY)
    restored = _read_back(restored_name, settings.FIELD_ENCRYPTION_KEY)
    assert restored == original
    assert restored["id_number"] == ID_NUMBER and restored["reporter"]
    assert restored["seals"] >= 1 and restored["seals_intact"] is True
    assert "备份测试培训学校" in restored["institutions"]

    without_key = _read_back(restored_name, "not-the-key")
    assert "unreadable" in without_key and "id_number" not in without_key


def test_a_tampered_dump_is_refused(tmp_path):
    env = {**os.environ, "DATABASE_URL": _url(settings.DATABASES["default"]["NAME"])}
    dump = subprocess.check_output(
        ["scripts/backup.sh", str(tmp_path)], cwd=ROOT, env=env, text=True
    ).strip()
    with open(dump, "ab") as f:
        f.write(b"\0")
    result = subprocess.run(
        ["scripts/restore.sh", dump, _url("postgres")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "does not match its manifest" in result.stderr
