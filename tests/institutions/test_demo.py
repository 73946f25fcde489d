"""Demo data and the periodic job."""

import pytest
from django.conf import settings

from bureaus.demo import seed_bureaus
from institutions import demo
from institutions.models import Credential, Institution, ListEntry
from institutions.tasks import credentials_flag_expiry

pytestmark = pytest.mark.django_db


def test_demo_seed_is_realistic_and_idempotent(as_system):
    seed_bureaus()
    demo.seed()
    count = Institution.objects.count()
    assert count == 3 * demo.PER_DISTRICT
    assert Institution.objects.values("bureau").distinct().count() == 3
    assert Institution.objects.exclude(warning_codes=[]).exists()
    assert Institution.objects.filter(warning_codes__contains=["academic_for_profit"]).exists()
    assert ListEntry.objects.filter(kind="white", published_on__isnull=False).exists()
    assert ListEntry.objects.filter(kind="black", published_on__isnull=False).exists()
    assert Credential.objects.filter(expiry_state="expiring").exists()
    assert Institution.objects.filter(name__startswith="西湖").exists()
    demo.seed()
    assert Institution.objects.count() == count


def test_beat_schedules_the_credential_check():
    entry = settings.CELERY_BEAT_SCHEDULE["institution-credentials-flag-expiry"]
    assert entry["task"] == credentials_flag_expiry.name


def test_credential_task_runs(make_institution):
    make_institution(licensed=True, status="normal")
    result = credentials_flag_expiry.apply(kwargs={"today": "2099-01-01"}).get()
    assert result["expired"] == 1
    assert credentials_flag_expiry.apply(kwargs={"today": "2099-01-01"}).get()["expired"] == 0
