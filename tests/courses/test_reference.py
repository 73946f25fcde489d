"""Reference data kept by superiors: a city's vacations and guidance prices, a province's rule
settings (tighten or switch off, never loosen) with their history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses.models import GuidancePrice, RuleSetting, RuleSettingChange, SchoolVacation
from courses.services import reference
from tests.courses.conftest import act

pytestmark = pytest.mark.django_db


def test_rule_settings_tighten_or_switch_off_with_their_history(tree):
    province = act(tree.user("province", "supervisor"))
    with pytest.raises(ValidationError):
        reference.rule_setting_set(
            actor=province, rule="end_offline", enabled=True, limit=21 * 60, reason="放宽"
        )
    with pytest.raises(ValidationError):
        reference.rule_setting_set(
            actor=province, rule="end_offline", enabled=True, limit=1200, reason=""
        )
    reference.rule_setting_set(
        actor=province, rule="end_offline", enabled=True, limit=20 * 60, reason="省厅通知收紧"
    )
    reference.rule_setting_set(
        actor=province, rule="end_offline", enabled=False, limit=None, reason="试点暂停"
    )
    setting = RuleSetting.objects.get(bureau=tree.province, rule="end_offline")
    assert (setting.enabled, setting.limit) == (False, None)
    history = list(RuleSettingChange.objects.filter(setting=setting).values_list("reason", "actor"))
    assert history == [("试点暂停", province.pk), ("省厅通知收紧", province.pk)]
    for user in (tree.user("city", "supervisor"), tree.user("a", "officer")):
        with pytest.raises(PermissionDenied):
            reference.rule_setting_set(
                actor=act(user), rule="end_offline", enabled=True, limit=None, reason="x"
            )


def test_cities_keep_vacations_and_prices(tree):
    city = act(tree.user("city", "supervisor"))
    reference.vacation_set(
        actor=city,
        year=2027,
        kind="summer",
        first_day=dt.date(2027, 7, 3),
        last_day=dt.date(2027, 8, 31),
    )
    reference.vacation_set(
        actor=city,
        year=2027,
        kind="summer",
        first_day=dt.date(2027, 7, 5),
        last_day=dt.date(2027, 8, 31),
    )
    assert SchoolVacation.objects.get(bureau=tree.city).first_day == dt.date(2027, 7, 5)
    with pytest.raises(ValidationError):
        reference.guidance_price_set(actor=city, subject="maths", grade=5, max_fen_per_hour=-1)
    reference.guidance_price_set(actor=city, subject="maths", grade=5, max_fen_per_hour=90_00)
    assert GuidancePrice.objects.get(bureau=tree.city).max_fen_per_hour == 90_00
    with pytest.raises(PermissionDenied):
        reference.guidance_price_set(
            actor=act(tree.user("province", "supervisor")),
            subject="maths",
            grade=5,
            max_fen_per_hour=1,
        )


def test_the_reference_page(client, tree):
    from django.urls import reverse

    url = reverse("courses:reference")
    client.force_login(tree.user("a", "officer"))
    assert client.get(url).status_code == 403
    client.force_login(tree.user("city", "supervisor"))
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"form": "price", "subject": "maths", "grade": "5", "max_yuan_per_hour": "-1"}
    )
    assert response.status_code == 400 and not GuidancePrice.objects.exists()
    response = client.post(
        url, {"form": "price", "subject": "maths", "grade": "5", "max_yuan_per_hour": "85.50"}
    )
    assert response.status_code == 302
    assert GuidancePrice.objects.get(bureau=tree.city).max_fen_per_hour == 85_50
    assert "85.50" in client.get(url).content.decode()
    # A city has no rule settings to change.
    response = client.post(
        url, {"form": "rule", "rule": "end_offline", "enabled": "", "reason": "x"}
    )
    assert response.status_code == 403 and not RuleSetting.objects.exists()
