"""The institution API reads its fields directly (issue 11): the same output as DRF's generic
walk of the declared fields, for a list row, a record as the service returns it (no list
annotations), a licensed one on the black list with a street and a phone."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from bureaus.models import Street
from institutions.api.serializers import InstitutionSerializer
from institutions.models import Institution
from institutions.selectors import institution_annotate
from institutions.services.lists import list_entry_add
from tests.institutions.conftest import license_institution

pytestmark = pytest.mark.django_db


def _walked(record):
    serializer = InstitutionSerializer(record)
    return serializers.ModelSerializer.to_representation(serializer, record)


def test_the_direct_representation_equals_drfs_field_walk(tree, make_institution, as_system):
    plain = make_institution(name="简单培训")
    street = Street.objects.create(bureau=tree.a, name="文新街道")
    full = make_institution(
        name="完整培训", street=street, contact_name="李四", contact_phone="13900001111"
    )
    license_institution(full)
    list_entry_add(actor=None, institution=full, kind="black", reason="卷钱跑路")
    annotated = institution_annotate(Institution.objects.all())
    records = [plain, annotated.get(pk=plain.pk), annotated.get(pk=full.pk)]
    for record in records:
        direct = InstitutionSerializer(record).data
        walked = _walked(record)
        assert direct == walked
        assert list(direct) == list(walked)
    row = InstitutionSerializer(records[-1]).data
    assert row["on_black_list"] is True and row["licence_number"]
    assert row["street"] == street.pk and row["contact_phone_masked"] != "13900001111"
    assert "contact_phone" not in row


def test_list_rows_equal_the_detail(tree, make_institution):
    make_institution(name="列表培训", licensed=True)
    api = APIClient()
    api.force_login(tree.user("a", "officer"))
    row = api.get("/api/v1/institutions/").json()["results"][0]
    assert row == api.get(f"/api/v1/institutions/{row['id']}/").json()
