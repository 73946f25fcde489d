"""The workflow mechanism: who may take a step, the re-checked state under the row lock, and
one effect from many concurrent clicks (threads on separate connections)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from complaints.models import Complaint, ComplaintEvent
from complaints.services import handling
from tests.complaints.conftest import act, advance, submit
from tests.concurrency import run_concurrently

S = Complaint.Status


def test_available_follows_the_permission_table_and_the_district(tree):
    complaint, _ = submit(tree.a)
    flow = handling.HANDLING
    officer = act(tree.user("a", "officer")).membership
    auditor = act(tree.user("a", "auditor")).membership
    sibling = act(tree.user("b", "officer")).membership
    assert flow.available(complaint, membership=officer) == ["accept", "reject", "merge", "link"]
    assert flow.available(complaint, membership=auditor) == []
    assert flow.available(complaint, membership=sibling) == []


def test_begin_refuses_another_district_and_a_role_without_the_action(tree):
    complaint, _ = submit(tree.a)
    for user in (tree.user("b", "admin"), tree.user("a", "auditor"), tree.user("a", "inspector")):
        with pytest.raises(PermissionDenied):
            handling.complaint_accept(actor=act(user), complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED


def test_a_stale_copy_cannot_take_a_step_twice(tree):
    complaint, _ = submit(tree.a)
    stale = Complaint.objects.get(pk=complaint.pk)
    admin = act(tree.user("a", "admin"))
    handling.complaint_accept(actor=admin, complaint=complaint)
    with pytest.raises(ValidationError) as excinfo:
        handling.complaint_reject(actor=admin, complaint=stale, public_reply="不属于职责范围")
    assert "不能" in excinfo.value.messages[0]
    stale.refresh_from_db()
    assert stale.status == S.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_begin_outside_a_transaction_is_refused(tree):
    complaint, _ = submit(tree.a)
    with pytest.raises(RuntimeError):
        handling.HANDLING.begin(complaint, "accept", actor=act(tree.user("a", "admin")))


def _events(complaint, kind):
    return ComplaintEvent.objects.filter(complaint=complaint, kind=kind).count()


@pytest.mark.django_db(transaction=True)
def test_sixteen_accepts_at_once_make_one_event(tree):
    complaint, _ = submit(tree.a)

    def accept(_i):
        with transaction.atomic():
            return handling.complaint_accept(
                actor=act(tree.user("a", "admin")), complaint=Complaint.objects.get(pk=complaint.pk)
            )

    results = run_concurrently(accept, 16)
    assert sum(isinstance(r, Complaint) for r in results) == 1
    assert all(isinstance(r, (Complaint, ValidationError)) for r in results), results
    assert _events(complaint, ComplaintEvent.Kind.ACCEPTED) == 1


@pytest.mark.django_db(transaction=True)
def test_accepts_racing_rejects_leave_one_consistent_outcome(tree):
    complaint, _ = submit(tree.a)

    def step(i):
        actor = act(tree.user("a", "admin"))
        record = Complaint.objects.get(pk=complaint.pk)
        if i % 2:
            return handling.complaint_reject(actor=actor, complaint=record, public_reply="不属于")
        return handling.complaint_accept(actor=actor, complaint=record)

    results = run_concurrently(step, 16)
    assert sum(isinstance(r, Complaint) for r in results) == 1
    complaint.refresh_from_db()
    accepted = _events(complaint, ComplaintEvent.Kind.ACCEPTED)
    rejected = _events(complaint, ComplaintEvent.Kind.REJECTED)
    assert accepted + rejected == 1
    assert complaint.status == (S.ACCEPTED if accepted else S.REJECTED)


@pytest.mark.django_db(transaction=True)
def test_sixteen_conclusions_at_once_keep_one_reply(tree):
    complaint, _ = submit(tree.a)
    advance(complaint, tree, "investigating")

    def conclude(i):
        return handling.complaint_conclude(
            actor=act(tree.user("a", "officer")),
            complaint=Complaint.objects.get(pk=complaint.pk),
            outcome="substantiated",
            public_reply=f"答复{i}",
        )

    results = run_concurrently(conclude, 16)
    winners = [r for r in results if isinstance(r, Complaint)]
    assert len(winners) == 1
    complaint.refresh_from_db()
    assert _events(complaint, ComplaintEvent.Kind.CONCLUDED) == 1
    assert complaint.public_reply == winners[0].public_reply
