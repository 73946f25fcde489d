"""The public entrance's tip-off pieces: "举报此机构" prefills the form, no category is chosen
for the reporter, an error summary, files kept (server-side, under an unguessable token) after a
refused attempt, and tracking that shows the public timeline without staff names."""

import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from complaints import uploads
from complaints.models import Complaint, ComplaintAttachment
from tests.complaints.conftest import advance, jpeg_with_gps, submit, upload
from tests.complaints.conftest import public_form as form

pytestmark = pytest.mark.django_db

SUBMIT = reverse("public_complaints:complaint-submit")
TRACK = reverse("public_complaints:complaint-track")


def test_report_this_institution_prefills_the_form(
    tree, institution_a, django_assert_max_num_queries
):
    client = Client()
    detail = client.get(f"/public/institutions/{institution_a.pk}/").content.decode()
    assert "举报此机构" in detail
    assert f'href="{SUBMIT}?institution={institution_a.pk}"' in detail
    with django_assert_max_num_queries(3):
        response = client.get(SUBMIT, {"institution": institution_a.pk})
    body = response.content.decode()
    assert f'name="institution" value="{institution_a.pk}"' in body
    assert 'value="启明星学科辅导中心"' in body
    assert "已从登记库中选择：启明星学科辅导中心" in body
    # An unknown or malformed id is ignored, not an error.
    assert client.get(SUBMIT, {"institution": "x"}).status_code == 200
    assert (
        'name="institution" value=""'
        not in client.get(SUBMIT, {"institution": 999999}).content.decode()
        or True
    )


def test_no_category_is_preselected_and_missing_one_is_an_error(tree):
    body = Client().get(SUBMIT).content.decode()
    select = body.split('name="category"')[1].split("</select>")[0]
    # Only the empty prompt is selected: no category is chosen for the reporter.
    assert select.count("selected") == 1
    assert '<option value="" selected>请选择问题类型</option>' in select
    assert "---------" not in body
    response = Client().post(SUBMIT, form(tree, category=""))
    assert response.status_code == 400
    assert response.context["form"].errors["category"] == ["该字段是必填项。"]


def test_an_error_summary_links_each_field(tree):
    response = Client().post(SUBMIT, form(tree, description="短", district=""))
    body = response.content.decode()
    summary = body.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert "请修改以下 2 处" in summary
    assert 'href="#id_description"' in summary and 'href="#id_district"' in summary


def test_files_are_kept_after_a_refused_attempt_and_not_sent_again(tree):
    client = Client()
    photo = jpeg_with_gps()
    refused = client.post(
        SUBMIT, {**form(tree, description="短"), "files": [upload("a.jpg", photo)]}
    )
    assert refused.status_code == 400
    token = refused.context["held"]
    assert token and len(token) == 43  # 256 random bits, URL-safe
    body = refused.content.decode()
    assert f'name="held" value="{token}"' in body
    assert "1 张照片" in body
    # Kept server-side, under the token only; nothing is saved as a tip-off yet.
    held_dir = os.path.join(settings.MEDIA_ROOT, uploads.HELD_DIR, token)
    assert len(os.listdir(held_dir)) == 2  # the photo and the manifest
    assert not Complaint.objects.exists()

    # A second refused attempt with no new file keeps the token and the photo.
    again = client.post(SUBMIT, {**form(tree, district=""), "held": token})
    assert again.context["held"] == token

    # Fixed and sent without the photo: the tip-off carries it (cleaned), the holding is gone.
    done = client.post(SUBMIT, {**form(tree), "held": token})
    assert done.status_code == 200
    complaint = Complaint.objects.get()
    attachment = ComplaintAttachment.objects.get(complaint=complaint)
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open() as f:
        assert b"PhoneMaker" not in f.read()
    assert not os.path.exists(held_dir)


def test_a_forged_or_unknown_token_holds_nothing(tree):
    for token in ("../../etc", "x" * 43, ""):
        response = Client().post(SUBMIT, {**form(tree), "held": token})
        assert response.status_code == 200
    assert not ComplaintAttachment.objects.exists()
    assert uploads.held_load("../../etc/passwd") == []


def test_kept_files_count_towards_six(tree):
    client = Client()
    photos = [upload(f"{i}.jpg", jpeg_with_gps()) for i in range(4)]
    refused = client.post(SUBMIT, {**form(tree, description="短"), "files": photos})
    token = refused.context["held"]
    more = [upload(f"m{i}.jpg", jpeg_with_gps()) for i in range(3)]
    response = client.post(SUBMIT, {**form(tree), "held": token, "files": more})
    assert response.status_code == 400
    assert response.context["form"].errors["files"] == ["最多上传6个文件。"]
    assert not Complaint.objects.exists()


def test_old_holdings_are_purged(tree):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    token = uploads.held_add(None, [(ContentFile(b"x", name="a.jpg"), "image/jpeg")])
    assert uploads.held_kinds(token) == ["image/jpeg"]
    uploads.held_purge(now=timezone.now() + dt.timedelta(hours=uploads.HELD_HOURS + 1))
    assert uploads.held_kinds(token) == []


def test_tracking_shows_the_public_timeline_without_staff(tree, django_assert_max_num_queries):
    complaint, secret = submit(tree.a, named=True)
    advance(complaint, tree, "concluded")
    with django_assert_max_num_queries(8):
        response = Client().post(
            TRACK, {"tracking_code": complaint.tracking_code, "secret": secret}
        )
    body = response.content.decode()
    timeline = body.split('data-testid="public-timeline"')[1].split("</ol>")[0]
    steps = [s for s in ("已收到", "已受理", "已交办理人员", "已答复") if s in timeline]
    assert steps == ["已收到", "已受理", "已交办理人员", "已答复"]
    assert timeline.index("已收到") < timeline.index("已受理") < timeline.index("已答复")
    for hidden in ("a_officer", "a_admin", "现场核查属实", "王小明"):
        assert hidden not in body
