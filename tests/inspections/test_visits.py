"""Visits: planning within the district, answers saved idempotently per item, photos checked
by content with their SHA-256 and capture time, concluding with the effort counted."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections.models import Finding, FindingPhoto, Inspection
from inspections.services import visits
from tests.inspections.conftest import act, answer_all, issue_campaign, jpeg, upload

pytestmark = pytest.mark.django_db


def test_visit_belongs_to_the_share_and_its_team(visit, tree, department_a):
    assert visit.bureau == tree.a
    assert visit.status == Inspection.Status.IN_PROGRESS and visit.started_at
    assert list(visit.departments.all()) == [department_a]
    assert visit.unannounced


def test_another_districts_institution_is_refused(tree, share_a, institution_b):
    with pytest.raises(ValidationError) as exc:
        visits.inspection_plan(
            actor=act(tree.user("a", "officer")),
            share=share_a,
            institution=institution_b,
            planned_on=timezone.localdate(),
        )
    assert "institution" in exc.value.message_dict
    assert not Inspection.objects.exists()


def test_a_district_cannot_plan_in_a_siblings_share(tree, share_b, institution_b):
    with pytest.raises(PermissionDenied):
        visits.inspection_plan(
            actor=act(tree.user("a", "officer")),
            share=share_b,
            institution=institution_b,
            planned_on=timezone.localdate(),
        )


def test_the_same_answer_twice_is_one_finding(visit, tree):
    inspector = act(tree.user("a", "inspector"))
    item = visit.share.campaign.items.first()
    first = visits.finding_save(
        actor=inspector, inspection=visit, item=item, result="violation", note="未公示收费标准"
    )
    again = visits.finding_save(
        actor=inspector, inspection=visit, item=item, result="violation", note="未公示收费标准"
    )
    assert first.pk == again.pk and again.answered_at == first.answered_at
    changed = visits.finding_save(actor=inspector, inspection=visit, item=item, result="ok")
    assert changed.pk == first.pk and changed.result == "ok"
    assert Finding.objects.filter(inspection=visit).count() == 1


def test_an_item_outside_the_campaigns_checklist_is_refused(visit, tree, nine):

    other = issue_campaign(act(tree.user("a", "officer")), nine, name="另一个")
    with pytest.raises(ValidationError) as exc:
        visits.finding_save(
            actor=act(tree.user("a", "inspector")),
            inspection=visit,
            item=other.items.first(),
            result="ok",
        )
    assert exc.value.message_dict["item"] == ["该检查项不在本次行动的检查清单中。"]
    assert not Finding.objects.exists()


def test_answers_only_while_in_progress(tree, share_a, institution_a):
    planned = visits.inspection_plan(
        actor=act(tree.user("a", "officer")),
        share=share_a,
        institution=institution_a,
        planned_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        visits.finding_save(
            actor=act(tree.user("a", "inspector")),
            inspection=planned,
            item=share_a.campaign.items.first(),
            result="ok",
        )


def test_photo_is_kept_as_uploaded_with_its_hash(visit, tree):
    inspector = act(tree.user("a", "inspector"))
    finding = answer_all(visit, inspector)[0]
    data = jpeg()
    taken = timezone.now() - dt.timedelta(minutes=3)
    photo = visits.photo_add(
        actor=inspector, finding=finding, upload=upload("x.jpg", data), captured_at=taken
    )
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.captured_at == taken and photo.bureau == tree.a
    photo.file.open("rb")
    assert photo.file.read() == data
    # The same photo again (a retry) is kept once.
    again = visits.photo_add(actor=inspector, finding=finding, upload=upload("x.jpg", data))
    assert again.pk == photo.pk and FindingPhoto.objects.count() == 1


def test_a_file_that_is_not_a_photo_is_refused(visit, tree):
    inspector = act(tree.user("a", "inspector"))
    finding = answer_all(visit, inspector)[0]
    with pytest.raises(ValidationError) as exc:
        visits.photo_add(
            actor=inspector,
            finding=finding,
            upload=upload("evil.jpg", b"MZ\x90\x00 not an image at all" * 20),
        )
    assert "photo" in exc.value.message_dict
    assert not FindingPhoto.objects.exists()


def test_a_photo_with_too_many_pixels_is_refused(visit, tree, settings):
    settings.INSPECTION_PHOTO_MAX_PIXELS = 1000
    inspector = act(tree.user("a", "inspector"))
    finding = answer_all(visit, inspector)[0]
    with pytest.raises(ValidationError):
        visits.photo_add(actor=inspector, finding=finding, upload=upload("x.jpg", jpeg((64, 48))))
    assert not FindingPhoto.objects.exists()


def test_conclude_needs_every_item_answered(visit, tree):
    inspector = act(tree.user("a", "inspector"))
    with pytest.raises(ValidationError):
        visits.inspection_conclude(
            actor=inspector, inspection=visit, outcome="rectify", personnel_times=4, vehicle_trips=1
        )
    answer_all(visit, inspector)
    done = visits.inspection_conclude(
        actor=inspector, inspection=visit, outcome="rectify", personnel_times=4, vehicle_trips=1
    )
    assert done.status == "concluded" and done.personnel_times == 4 and done.ended_at
    with pytest.raises(ValidationError):
        visits.inspection_conclude(
            actor=inspector, inspection=visit, outcome="rectify", personnel_times=4, vehicle_trips=1
        )


def test_start_twice_is_refused(visit, tree):
    with pytest.raises(ValidationError):
        visits.inspection_start(actor=act(tree.user("a", "inspector")), inspection=visit)
