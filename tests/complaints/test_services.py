"""The workflow: every transition allowed from its statuses and refused from the others, who
may take investigation steps, intake from every channel, duplicate hints."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.models import (
    Complaint,
)
from complaints.services import handling, intake
from tests.complaints.conftest import act, advance, submit

pytestmark = pytest.mark.django_db

S = Complaint.Status
ALL = [s.value for s in S]


def _at(complaint, tree, status):
    """Put a fresh complaint into `status` the way the workflow would."""
    if status == "received":
        return complaint
    if status in ("rejected", "merged"):
        admin = act(tree.user("a", "admin"))
        if status == "rejected":
            handling.complaint_reject(
                actor=admin, complaint=complaint, public_reply="不属于本局职责。"
            )
        else:
            other, _ = submit(tree.a, name="另一家机构")
            handling.complaint_merge(actor=admin, complaint=complaint, into=other)
        complaint.refresh_from_db()
        return complaint
    return advance(complaint, tree, status)


def _take(step, complaint, tree):
    admin = act(tree.user("a", "admin"))
    officer = act(tree.user("a", "officer"))
    if step == "accept":
        return handling.complaint_accept(actor=admin, complaint=complaint)
    if step == "reject":
        return handling.complaint_reject(
            actor=admin, complaint=complaint, public_reply="不属于职责范围。"
        )
    if step == "merge":
        other, _ = submit(tree.a, name="重复机构")
        return handling.complaint_merge(actor=admin, complaint=complaint, into=other)
    if step == "assign":
        return handling.complaint_assign(actor=admin, complaint=complaint, assignee=officer)
    if step == "note":
        return handling.complaint_add_note(actor=admin, complaint=complaint, note="已到现场。")
    if step == "conclude":
        return handling.complaint_conclude(
            actor=admin, complaint=complaint, outcome="unsubstantiated", public_reply="未发现违规。"
        )
    if step == "close":
        return handling.complaint_close(actor=admin, complaint=complaint)
    raise AssertionError(step)


STEPS = ["accept", "reject", "merge", "assign", "note", "conclude", "close"]
CASES = [(step, status) for step in STEPS for status in ALL]


@pytest.mark.parametrize(("step", "status"), CASES, ids=[f"{a}-from-{b}" for a, b in CASES])
def test_transition_allowed_only_from_its_statuses(tree, step, status):
    complaint, _ = submit(tree.a)
    complaint = _at(complaint, tree, status)
    allowed = status in handling.HANDLING[step].sources
    events_before = complaint.events.count()
    if allowed:
        _take(step, complaint, tree)
        complaint.refresh_from_db()
        assert complaint.events.count() > events_before
        expected = handling.HANDLING[step].target
        if expected is not None:
            assert complaint.status == expected
        elif step == "assign" and status == "accepted":
            assert complaint.status == "assigned"
        else:
            assert complaint.status == status
    else:
        with pytest.raises(ValidationError) as excinfo:
            _take(step, complaint, tree)
        assert "不能" in str(excinfo.value.messages)
        complaint.refresh_from_db()
        assert complaint.status == status
        assert complaint.events.count() == events_before


def test_full_workflow_builds_the_timeline(tree):
    complaint, _ = submit(tree.a)
    complaint = advance(complaint, tree, "closed")
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["received", "accepted", "assigned", "note", "concluded", "closed"]
    assert complaint.outcome == "substantiated"
    assert complaint.closed_at and complaint.concluded_at


def test_only_the_handler_or_admin_investigates(tree):
    complaint, _ = submit(tree.a)
    advance(complaint, tree, "assigned")
    other = act(tree.users[("a", "officer")])
    # Another officer of the same district (not the handler) is refused.
    from tests.conftest import make_user

    stranger = act(make_user("a_officer2", tree.a, "officer"))
    with pytest.raises(PermissionDenied):
        handling.complaint_add_note(actor=stranger, complaint=complaint, note="看看")
    handling.complaint_add_note(actor=other, complaint=complaint, note="处理中")


def test_assignee_must_be_staff_of_the_district(tree):
    complaint, _ = submit(tree.a)
    admin = act(tree.user("a", "admin"))
    handling.complaint_accept(actor=admin, complaint=complaint)
    for outsider in (tree.user("b", "officer"), tree.user("a", "inspector")):
        with pytest.raises(ValidationError) as excinfo:
            handling.complaint_assign(actor=admin, complaint=complaint, assignee=outsider)
        assert excinfo.value.message_dict["assignee"] == ["请选择本区的科员。"]


def test_another_districts_staff_cannot_act(tree):
    complaint, _ = submit(tree.a)
    with pytest.raises(PermissionDenied):
        handling.complaint_accept(actor=act(tree.user("b", "admin")), complaint=complaint)


def test_reject_needs_a_reply_and_merge_needs_another_complaint(tree):
    complaint, _ = submit(tree.a)
    admin = act(tree.user("a", "admin"))
    with pytest.raises(ValidationError) as excinfo:
        handling.complaint_reject(actor=admin, complaint=complaint, public_reply=" ")
    assert "public_reply" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        handling.complaint_merge(actor=admin, complaint=complaint, into=complaint)
    elsewhere, _ = submit(tree.b)
    with pytest.raises(ValidationError):
        handling.complaint_merge(actor=admin, complaint=complaint, into=elsewhere)


def test_institution_routes_the_complaint_to_its_district(tree, institution_b):
    # The reporter chose district A, but the registry says the institution is in B.
    complaint, _ = submit(tree.a, institution=institution_b, name="")
    assert complaint.bureau == tree.b
    assert complaint.institution_name == "湖滨艺术培训学校"


def test_link_institution_only_of_own_district(tree, institution_a, institution_b):
    complaint, _ = submit(tree.a, name="启明星辅导")
    admin = act(tree.user("a", "admin"))
    with pytest.raises(ValidationError):
        handling.complaint_link_institution(
            actor=admin, complaint=complaint, institution=institution_b
        )
    handling.complaint_link_institution(actor=admin, complaint=complaint, institution=institution_a)
    complaint.refresh_from_db()
    assert complaint.institution == institution_a


def test_hotline_push_is_idempotent(tree):
    officer = act(tree.user("a", "officer"))
    fields = {
        "institution": None,
        "institution_name": "某培训机构",
        "institution_address": "",
        "category": "fees",
        "description": "拒不退费。",
        "observed_on": None,
    }
    first, created = intake.complaint_hotline_push(actor=officer, external_ref="GD2025-1", **fields)
    again, created_again = intake.complaint_hotline_push(
        actor=officer, external_ref="GD2025-1", **fields
    )
    assert created and not created_again and first.pk == again.pk
    assert first.channel == "hotline"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("启明星学科辅导中心", "启明星学科辅导", True),
        ("西湖知行击剑艺术培训中心", "知行击剑", True),
        ("西湖彩虹国画培训有限公司", "西湖蓝天国画培训有限公司", False),
        ("西湖知行击剑艺术培训中心", "西湖新东方艺职业技能艺术培训中心", False),
        ("培训中心", "培训学校", False),
    ],
)
def test_names_match(a, b, same):
    from complaints.selectors import names_match

    assert names_match(a, b, district="西湖") is same


def test_duplicate_hints_at_triage(tree, institution_a):
    from complaints.selectors import complaint_duplicates

    first, _ = submit(tree.a, institution=institution_a)
    by_name, _ = submit(tree.a, name="西湖启明星学科辅导", institution_address="")
    by_address, _ = submit(
        tree.a, name="无名补习班", institution_address="杭州市西湖区文三路100号2楼"
    )
    unrelated, _ = submit(
        tree.a, name="西湖蓝天国画培训有限公司", institution_address="天目山路5号"
    )
    elsewhere, _ = submit(tree.b, name="启明星学科辅导中心")
    closed, _ = submit(tree.a, name="启明星学科辅导中心")
    advance(closed, tree, "closed")
    found = {c.pk for c in complaint_duplicates(complaint=first)}
    assert found == {by_name.pk, by_address.pk}
    assert unrelated.pk not in found and elsewhere.pk not in found
