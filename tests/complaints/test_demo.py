"""The demo tip-offs: a few hundred in varied states, and re-running adds nothing."""

import pytest

from complaints import demo
from complaints.models import Complaint, RefundDispute, Reward, SupervisionOrder
from tests.demos import demo_seeded

pytestmark = pytest.mark.django_db


def test_demo_seed_is_varied_and_idempotent():
    with demo_seeded(demo):
        count = Complaint.objects.count()
        demo.seed()
    assert count == Complaint.objects.count() == 3 * demo.PER_DISTRICT
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Complaint.Status}
    assert Reward.objects.exists() and RefundDispute.objects.exists()
    assert SupervisionOrder.objects.count() == 2
