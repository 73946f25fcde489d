"""The demo inspections: two campaigns (one city-issued), visits with photos, notices in every
state; re-running adds nothing."""

import pytest

from inspections import demo
from inspections.models import Campaign, FindingPhoto, Inspection, RectificationNotice
from institutions import demo as institutions_demo
from tests.demos import demo_seeded

pytestmark = pytest.mark.django_db


def test_demo_seed_is_varied_and_idempotent():
    with demo_seeded(institutions_demo, demo):
        counts = (Inspection.objects.count(), RectificationNotice.objects.count())
        demo.seed()
    assert counts == (Inspection.objects.count(), RectificationNotice.objects.count())
    assert Campaign.objects.count() == 2
    assert Campaign.objects.filter(bureau__level="city").count() == 1
    assert counts[0] > 10 and FindingPhoto.objects.exists()
    states = set(RectificationNotice.objects.values_list("status", flat=True))
    assert states == {s.value for s in RectificationNotice.Status}
