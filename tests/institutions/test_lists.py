"""White and black lists (seeds 001 篇1 篇5, 004 永川): entries, publication, lifting."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from institutions.models import Institution, ListEntry
from institutions.services.lifecycle import institution_change_status
from institutions.services.lists import list_entry_add, list_entry_lift, list_entry_publish
from institutions.services.registry import (
    institution_refresh_warnings,
)
from tests.institutions.conftest import license_institution

pytestmark = pytest.mark.django_db
S = Institution.Status


def refused(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# --- white and black lists -----------------------------------------------------------------


def test_black_list_needs_a_reason(make_institution):
    i = make_institution()
    with pytest.raises(ValidationError) as exc:
        list_entry_add(actor=None, institution=i, kind="black", reason=" ")
    assert "原因" in refused(exc, "reason")
    entry = list_entry_add(actor=None, institution=i, kind="black", reason="无证办学")
    assert entry.is_active and not entry.is_published


def test_black_listed_cannot_be_white_listed(make_institution):
    i = make_institution(licensed=True, status=S.NORMAL)
    list_entry_add(actor=None, institution=i, kind="black", reason="虚假宣传")
    with pytest.raises(ValidationError) as exc:
        list_entry_add(actor=None, institution=i, kind="white")
    assert "黑名单" in refused(exc, "kind")


def test_banned_cannot_be_white_listed(make_institution):
    i = make_institution(licensed=True, status=S.BANNED)
    with pytest.raises(ValidationError) as exc:
        list_entry_add(actor=None, institution=i, kind="white")
    assert "取缔" in refused(exc, "kind")


def test_white_list_needs_an_operating_licensed_institution(make_institution):
    unlicensed = make_institution(status=S.NORMAL)
    with pytest.raises(ValidationError) as exc:
        list_entry_add(actor=None, institution=unlicensed, kind="white")
    assert "办学许可证" in refused(exc, "kind")
    preparing = make_institution(licensed=True)
    with pytest.raises(ValidationError):
        list_entry_add(actor=None, institution=preparing, kind="white")
    ok = make_institution(licensed=True, status=S.NORMAL)
    assert list_entry_add(actor=None, institution=ok, kind="white", publish=True)


def test_same_list_twice_is_refused(make_institution):
    i = make_institution()
    list_entry_add(actor=None, institution=i, kind="black", reason="一")
    with pytest.raises(ValidationError) as exc:
        list_entry_add(actor=None, institution=i, kind="black", reason="二")
    assert "已在" in refused(exc, "kind")


def test_black_listing_or_banning_lifts_the_white_entry(make_institution):
    i = make_institution(licensed=True, status=S.NORMAL)
    white = list_entry_add(actor=None, institution=i, kind="white", publish=True)
    list_entry_add(actor=None, institution=i, kind="black", reason="卷钱跑路")
    white.refresh_from_db()
    assert white.lifted_on is not None and white.lift_reason
    j = make_institution(licensed=True, status=S.NORMAL)
    white = list_entry_add(actor=None, institution=j, kind="white", publish=True)
    institution_change_status(actor=None, institution=j, to_status=S.BANNED, reason="无证")
    white.refresh_from_db()
    assert white.lifted_on is not None


def test_publish_and_lift(make_institution):
    i = make_institution()
    entry = list_entry_add(actor=None, institution=i, kind="black", reason="无证办学")
    list_entry_publish(actor=None, entry=entry)
    assert entry.published_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        list_entry_lift(actor=None, entry=entry, reason="")
    assert "原因" in refused(exc, "lift_reason")
    list_entry_lift(actor=None, entry=entry, reason="整改到位")
    with pytest.raises(ValidationError):
        list_entry_lift(actor=None, entry=entry, reason="再次")
    with pytest.raises(ValidationError):
        list_entry_publish(actor=None, entry=entry)
    # Lifted, it can be listed again.
    assert list_entry_add(actor=None, institution=i, kind="black", reason="再犯")
    assert ListEntry.objects.filter(institution=i).count() == 2


def test_white_list_refuses_an_institution_that_breaks_a_rule(make_institution):
    """Issue 8 item 7: a white list tells parents the institution keeps the rules."""
    i = make_institution(licensed=True, status=S.NORMAL)
    # On file from before the rules (seed 003 §13): academic and still for-profit.
    Institution.objects.filter(pk=i.pk).update(category="academic", profit="for_profit")
    i.refresh_from_db()
    institution_refresh_warnings(institution=i)
    with pytest.raises(ValidationError) as exc:
        list_entry_add(actor=None, institution=i, kind="white")
    assert "存在规则提示" in refused(exc, "kind") and "营利" in refused(exc, "kind")
    assert not ListEntry.objects.filter(institution=i).exists()
    # A licence expiring soon breaks no rule yet: it does not keep an institution off.
    ok = make_institution(licensed=True, status=S.NORMAL)
    license_institution(ok, expires_on=timezone.localdate() + dt.timedelta(days=30))
    institution_refresh_warnings(institution=ok)
    assert ok.warning_codes == ["licence_expiring"]
    assert list_entry_add(actor=None, institution=ok, kind="white")
