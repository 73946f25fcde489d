"""The demo notice: one per demo district, and re-running issues nothing more."""

import pytest

from bureaus.context import acting, system_actor
from bureaus.demo import seed_bureaus
from documents import demo
from documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


def test_demo_seed_issues_one_notice_per_district_once():
    with acting(system_actor("seed_demo")):
        seed_bureaus()
        demo.seed()
        demo.seed()
    assert IssuedDocument.objects.count() == 3
    assert {d.serial for d in IssuedDocument.objects.all()} == {1}
