"""Two officers acting on one notice at once: one effect, from threads on separate
connections; concurrent issues get consecutive numbers."""

import pytest
from django.core.exceptions import ValidationError

from inspections.models import RectificationNotice
from inspections.services import notices
from tests.concurrency import run_concurrently
from tests.inspections.conftest import act

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_verifications_at_once_close_the_notice_once(tree, notice):
    officer = act(tree.user("a", "officer"))
    notices.notice_submit_evidence(actor=officer, notice=notice, evidence="已整改")

    def verify(_i):
        fresh = RectificationNotice.objects.get(pk=notice.pk)
        return notices.notice_verify(actor=act(tree.user("a", "officer")), notice=fresh)

    results = run_concurrently(verify, 8)
    done = [r for r in results if isinstance(r, RectificationNotice)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == 7, results
    assert RectificationNotice.objects.get(pk=notice.pk).status == "closed"


def test_verify_and_reject_at_once_one_wins(tree, notice):
    notices.notice_submit_evidence(
        actor=act(tree.user("a", "officer")), notice=notice, evidence="x"
    )

    def step(i):
        fresh = RectificationNotice.objects.get(pk=notice.pk)
        actor = act(tree.user("a", "officer" if i % 2 else "admin"))
        if i % 2:
            return notices.notice_verify(actor=actor, notice=fresh)
        return notices.notice_reject(actor=actor, notice=fresh, note="证据不足")

    results = run_concurrently(step, 6)
    assert sum(isinstance(r, RectificationNotice) for r in results) == 1, results
    assert RectificationNotice.objects.get(pk=notice.pk).status in ("closed", "rejected")


def test_concurrent_issues_get_consecutive_numbers(tree, notice):
    finding_ids = list(notice.findings.values_list("pk", flat=True))

    def issue(_i):
        visit = notice.inspection
        from inspections.models import Finding

        return notices.notice_issue(
            actor=act(tree.user("a", "officer")),
            inspection=visit,
            findings=list(Finding.objects.filter(pk__in=finding_ids)),
            requirements="整改",
            working_days=5,
        ).number

    numbers = run_concurrently(issue, 6)
    assert sorted(int(n.split("〕")[1].rstrip("号")) for n in numbers) == [2, 3, 4, 5, 6, 7]
