"""Helpers for the registry tests: valid credit codes and institutions in a given state."""

import datetime as dt

import pytest
from django.utils import timezone

from bureaus.models import Street
from institutions.credit_code import make_code
from institutions.models import Credential, Institution
from institutions.services.credentials import credential_record
from institutions.services.registry import institution_register


def valid_code(n: int) -> str:
    """A credit code with correct GB 32100-2015 and GB 11714 check characters."""
    return make_code(division="330106", organization_body=f"MA2{n:05d}")


def wrong_code(n: int) -> str:
    code = valid_code(n)
    wrong = "0" if code[-1] != "0" else "1"
    return code[:-1] + wrong


@pytest.fixture
def officer(tree):
    return tree.user("a", "officer")


@pytest.fixture
def make_institution(tree, as_system):
    counter = iter(range(1, 10_000))

    def make(*, bureau=None, licensed=False, status=None, **fields):
        n = next(counter)
        fields.setdefault("name", f"测试培训机构{n}")
        fields.setdefault("category", Institution.Category.ARTS)
        fields.setdefault("credit_code", valid_code(n))
        institution = institution_register(actor=None, bureau=bureau or tree.a, **fields)
        if licensed:
            license_institution(institution)
        if status:
            # Put it straight in the state the test needs (the lifecycle has its own tests).
            Institution.objects.filter(pk=institution.pk).update(status=status)
            institution.refresh_from_db()
        return institution

    return make


def license_institution(institution, *, expires_on=None):
    today = timezone.localdate()
    credential_record(
        actor=None,
        institution=institution,
        kind=Credential.Kind.SCHOOL_LICENCE,
        number=f"教民1330106{institution.pk:06d}号",
        issuer="杭州市西湖区教育局",
        issued_on=today - dt.timedelta(days=365),
        expires_on=expires_on or today + dt.timedelta(days=3 * 365),
        scope="书法、国画",
    )
    credential_record(
        actor=None,
        institution=institution,
        kind=Credential.Kind.BUSINESS_LICENCE,
        number=institution.credit_code or "营业执照",
    )


@pytest.fixture
def streets(tree, as_system):
    """The street the survey-import rows name (北山街道), in district a."""
    Street.objects.create(bureau=tree.a, name="北山街道")
