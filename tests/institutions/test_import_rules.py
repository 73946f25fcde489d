"""Survey import: the import applies exactly the services' rules (issue 8 item 7)."""

import pytest
from django.urls import reverse

from institutions.models import Institution
from tests.institutions.conftest import valid_code
from tests.institutions.imports import row, run, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


NO_LICENCE = {
    "办学许可证编号": "",
    "发证机关": "",
    "发证日期": "",
    "有效期至": "",
    "核准办学范围": "",
}


def test_new_rows_are_refused_by_the_rules_of_a_registration(tree, streets):
    academic = {"类别": "学科类", "营利性质": "非营利", "培训对象": "义务教育", **NO_LICENCE}
    rows = [
        row(1, **academic),  # line 2: seed 003 §12, and no licence to operate
        row(2, **{**academic, "营利性质": "营利"}),  # line 3: and seed 003 §13
        row(3, **{"培训对象": "学龄前", **NO_LICENCE}),  # line 4: pre-school, seed 003 §12
        row(4, **NO_LICENCE),  # line 5: arts, 正常 without a school-running licence
        row(5, **{"状态": "停办整改", **NO_LICENCE}),  # line 6: 停办整改 passes through 正常
        row(6, **{"状态": "取缔", **NO_LICENCE}),  # line 7: 筹设 → 取缔 needs no licence
        row(7),  # line 8: licensed arts institution
    ]
    job = run(tree, xlsx(rows))
    assert (job.created_count, job.error_count) == (2, 5), job.errors
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert errors == {
        (2, "类别"),
        (3, "类别"),
        (3, "营利性质"),
        (4, "类别"),
        (5, "状态"),
        (6, "状态"),
    }
    reasons = {(e["row"], e["column"]): e["reason"] for e in job.errors}
    assert "义务教育" in reasons[(2, "类别")] and "学龄前" in reasons[(4, "类别")]
    assert reasons[(5, "状态")] == reasons[(6, "状态")] == "正常办学须持有有效的办学许可证。"
    assert set(Institution.objects.values_list("credit_code", flat=True)) == {
        valid_code(6),
        valid_code(7),
    }


def test_a_credit_code_on_file_gets_one_message_on_every_path(tree, streets, as_system):
    from django.test import Client
    from rest_framework.test import APIClient

    from institutions.services.registry import institution_register

    institution_register(
        actor=None, bureau=tree.b, name="上城机构", category="arts", credit_code=valid_code(1)
    )
    job = run(tree, xlsx([row(1)]))
    by_import = job.errors[0]["reason"]
    api = APIClient()
    api.force_authenticate(tree.user("a", "officer"))
    by_api = api.post(
        reverse("institution-list"),
        {"name": "甲", "category": "arts", "credit_code": valid_code(1)},
        format="json",
    ).json()["credit_code"][0]
    client = Client()
    client.force_login(tree.user("a", "officer"))
    form = client.post(
        reverse("institutions:institution-create"),
        {
            "name": "甲",
            "category": "arts",
            "organization_form": "company",
            "profit": "for_profit",
            "delivery": "offline",
            "credit_code": valid_code(1),
        },
    ).content.decode()
    message = "该统一社会信用代码已登记（本区县或其他区县），不能重复登记。"
    assert by_import == by_api == message and message in form
