"""Fixtures for inspections: a city-issued campaign with a share in each district, an
institution per district, a visit in progress, photos."""

import datetime as dt
import io
from importlib import import_module

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bureaus.context import acting, system_actor
from bureaus.models import Department
from inspections.models import ChecklistTemplate, Finding
from inspections.services import campaigns, notices, visits
from institutions.models import Institution

NINE = "暑期专项检查九方面"


def act(user):
    """A user as the services see them after a request: with the acting membership set."""
    user.membership = user.memberships.select_related("bureau").get()
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def jpeg(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_institution(bureau, name, **extra):
    with acting(system_actor("tests")):
        return Institution.objects.create(
            bureau=bureau, name=name, category="academic", status="normal", **extra
        )


def seed_checklists():
    """The seeded templates come from a data migration; a transactional test truncates every
    table, so load them again when they are gone."""
    if not ChecklistTemplate.objects.filter(bureau=None).exists():
        from django.apps import apps

        seed = import_module("inspections.migrations.0002_seed_checklists").seed
        seed(apps, None)


@pytest.fixture
def nine(db):
    seed_checklists()
    return ChecklistTemplate.objects.get(name=NINE, bureau=None)


@pytest.fixture
def campaign(tree, nine):
    """The city's summer campaign, one share in each district."""
    today = timezone.localdate()
    return campaigns.campaign_issue(
        actor=act(tree.user("city", "supervisor")),
        name="暑期“监管护苗”专项行动",
        kind="special",
        template=nine,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=60),
        phases=[
            ("自查自纠", today - dt.timedelta(days=10), today - dt.timedelta(days=8)),
            ("集中检查", today - dt.timedelta(days=8), today + dt.timedelta(days=50)),
        ],
    )


@pytest.fixture
def share_a(campaign, tree):
    return campaign.shares.get(bureau=tree.a)


@pytest.fixture
def share_b(campaign, tree):
    return campaign.shares.get(bureau=tree.b)


@pytest.fixture
def institution_a(tree):
    return make_institution(tree.a, "启明星学科辅导中心")


@pytest.fixture
def institution_b(tree):
    return make_institution(tree.b, "湖滨艺术培训学校")


@pytest.fixture
def department_a(tree):
    with acting(system_actor("tests")):
        return Department.objects.create(bureau=tree.a, name="西湖区消防救援大队", kind="fire")


@pytest.fixture
def visit(tree, share_a, institution_a, department_a):
    """A visit of district A in progress."""
    inspector = act(tree.user("a", "inspector"))
    inspection = visits.inspection_plan(
        actor=inspector,
        share=share_a,
        institution=institution_a,
        planned_on=timezone.localdate(),
        unannounced=True,
        departments=[department_a],
        inspectors=[tree.user("a", "inspector")],
    )
    return visits.inspection_start(actor=inspector, inspection=inspection)


def answer_all(visit, user, *, violations=1):
    """Answer every item: the first `violations` as violations, the rest compliant."""
    findings = []
    for i, item in enumerate(visit.share.campaign.items.all()):
        result = Finding.Result.VIOLATION if i < violations else Finding.Result.OK
        findings.append(
            visits.finding_save(actor=user, inspection=visit, item=item, result=result, note="")
        )
    return findings


@pytest.fixture
def notice(tree, visit):
    """A notice issued from the visit's first finding, due in 5 working days."""
    findings = answer_all(visit, act(tree.user("a", "inspector")))
    return notices.notice_issue(
        actor=act(tree.user("a", "officer")),
        inspection=visit,
        findings=findings[:1],
        requirements="立即公示办学许可证和收退费标准。",
        working_days=5,
    )


def issue_campaign(actor, template, *, name="日常巡查", kind="routine", **extra):
    """campaigns.campaign_issue for 12 April to 13 June 2026, the tests' usual campaign."""
    return campaigns.campaign_issue(
        actor=actor,
        name=name,
        kind=kind,
        template=template,
        starts_on=dt.date(2026, 4, 12),
        ends_on=dt.date(2026, 6, 13),
        **extra,
    )


def chased(**counts):
    """What the notices' chase job (notices_chase) returns: every count 0 unless given."""
    return {"reminded": 0, "marked": 0, "escalated": 0, "city": 0, "warnings": 0, **counts}
