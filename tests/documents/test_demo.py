"""The demo notice: one per demo district, and re-running issues nothing more."""

import pytest

from documents import demo
from documents.models import IssuedDocument
from tests.demos import demo_seeded

pytestmark = pytest.mark.django_db


def test_demo_seed_issues_one_notice_per_district_once():
    with demo_seeded(demo):
        demo.seed()
    assert IssuedDocument.objects.count() == 3
    assert {d.serial for d in IssuedDocument.objects.all()} == {1}
