"""Fixtures for tip-offs: uploads into a temporary MEDIA_ROOT, an institution in each district,
and helpers to take a complaint through the workflow."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bureaus.context import acting, system_actor
from complaints.models import Complaint
from complaints.services import handling, intake
from institutions.models import Institution

REPORTER_NAME = "王小明"
REPORTER_PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def operating_institution(bureau, *, name, category, address):
    """An institution on the registry, operating: the public may name it (the registry's
    public rule)."""
    with acting(system_actor("tests")):
        return Institution.objects.create(
            bureau=bureau,
            name=name,
            category=category,
            address=address,
            status=Institution.Status.NORMAL,
        )


@pytest.fixture
def institution_a(tree):
    return operating_institution(
        tree.a, name="启明星学科辅导中心", category="academic", address="文三路100号"
    )


@pytest.fixture
def institution_b(tree):
    return operating_institution(
        tree.b, name="湖滨艺术培训学校", category="arts", address="延安路8号"
    )


def act(user):
    """A user as the services see them after a request: with the acting membership set."""
    user.membership = user.memberships.select_related("bureau").get()
    return user


def submit(bureau, *, named=False, institution=None, name="启明星学科辅导中心", **extra):
    fields = {
        "bureau": bureau,
        "institution": institution,
        "institution_name": name,
        "institution_address": "文三路100号",
        "category": Complaint.Category.ACADEMIC,
        "description": "周末在小区会所开设初中数学培训班，每节课两小时。",
        "observed_on": None,
        "reporter_name": REPORTER_NAME if named else "",
        "reporter_phone": REPORTER_PHONE if named else "",
        **extra,
    }
    return intake.complaint_submit_public(**fields)


def public_form(tree, **extra):
    """The public tip-off form's fields as a citizen fills them in, for district a."""
    return {
        "institution": "",
        "institution_name": "某某学堂",
        "institution_address": "古荡街道某小区3幢",
        "district": str(tree.a.pk),
        "category": "academic",
        "description": "周末开设初中数学培训班，家长群里招生。",
        "observed_on": "2025-10-12",
        "reporter_name": "",
        "reporter_phone": "",
        "website": "",
        **extra,
    }


def backdate(complaint, day: dt.date) -> Complaint:
    """Make the tip-off received on `day` (tests of dates that must not precede it)."""
    received_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    Complaint.objects.filter(pk=complaint.pk).update(received_at=received_at)
    complaint.refresh_from_db()
    return complaint


def advance(complaint, tree, to: str, *, outcome="substantiated"):
    """Take a complaint along the workflow up to status `to` as district A's staff."""
    officer = act(tree.user("a", "officer"))
    admin = act(tree.user("a", "admin"))
    path = ["accepted", "assigned", "investigating", "concluded", "closed"]
    for step in path[: path.index(to) + 1]:
        if step == "accepted":
            handling.complaint_accept(actor=admin, complaint=complaint)
        elif step == "assigned":
            handling.complaint_assign(actor=admin, complaint=complaint, assignee=officer)
        elif step == "investigating":
            handling.complaint_add_note(actor=officer, complaint=complaint, note="现场核查属实。")
        elif step == "concluded":
            handling.complaint_conclude(
                actor=officer,
                complaint=complaint,
                outcome=outcome,
                public_reply="经核查，该机构违规开展学科类培训，已责令停止。",
            )
        elif step == "closed":
            handling.complaint_close(actor=officer, complaint=complaint)
    complaint.refresh_from_db()
    return complaint


def jpeg_with_gps(size=(64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 15.0, 20.0), 3: "E", 4: (120.0, 8.0, 5.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
