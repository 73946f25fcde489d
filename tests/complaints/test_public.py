"""The public pages: submission (anonymous, routed by institution), rate limit, honeypot,
uploads checked by content and stripped of EXIF, tracking that reveals nothing to a wrong
secret, and the institution search's public fields."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from complaints.models import Complaint, ComplaintAttachment
from tests.complaints.conftest import act, advance, jpeg_with_gps, public_form, submit, upload

pytestmark = pytest.mark.django_db

SUBMIT = reverse("public_complaints:complaint-submit")
TRACK = reverse("public_complaints:complaint-track")


def test_anonymous_submission_shows_code_and_secret_once(tree):
    client = Client()
    page = client.get(SUBMIT)
    assert page.status_code == 200
    assert "举报校外培训机构" in page.content.decode()
    response = client.post(SUBMIT, public_form(tree))
    assert response.status_code == 200
    body = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.bureau == tree.a and complaint.channel == "web"
    assert complaint.tracking_code in body
    secret = response.context["secret"]
    assert secret in body and len(secret) == 12
    assert secret not in complaint.secret_hash  # only a hash is stored
    assert complaint.reporter_name == "" and not complaint.is_named
    assert response["Cache-Control"].startswith("max-age=0")
    # The audit row of a public submission carries no client address.
    from bureaus.models import AuditEvent

    event = AuditEvent.objects.get(model="complaints.complaint", object_id=str(complaint.pk))
    assert event.ip is None and event.changes["secret_hash"] == "***"


def test_missing_fields_get_chinese_errors(tree):
    response = Client().post(
        SUBMIT,
        public_form(tree, institution_name="", district="", description="短", reporter_name="张三"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["institution_name"] == ["请选择机构或填写机构名称。"]
    assert errors["district"] == ["请选择机构所在的区县。"]
    assert "reporter_phone" in errors
    assert not Complaint.objects.exists()


def test_picked_institution_routes_to_its_district_only(tree, institution_a):
    # The form said district B, the registry says A: A gets it, and B never sees it.
    response = Client().post(
        SUBMIT, public_form(tree, institution=str(institution_a.pk), district=str(tree.b.pk))
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.bureau == tree.a and complaint.institution == institution_a
    assert Complaint.objects.visible_to(act(tree.user("a", "officer"))).count() == 1
    assert Complaint.objects.visible_to(act(tree.user("b", "admin"))).count() == 0
    client = Client()
    client.force_login(tree.user("b", "admin"))
    assert complaint.tracking_code not in client.get("/complaints/").content.decode()
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404


def test_an_institution_in_preparation_cannot_be_named_by_id(tree, institution_a):
    """The public rule holds for a posted id too: an institution still in 筹设 is not found."""
    from institutions.models import Institution

    Institution.objects.filter(pk=institution_a.pk).update(status=Institution.Status.PREPARING)
    response = Client().post(SUBMIT, public_form(tree, institution=str(institution_a.pk)))
    assert response.status_code == 400
    assert "请重新选择机构" in response.content.decode()
    assert not Complaint.objects.exists()


def test_twenty_submissions_in_a_minute_extras_refused(tree, settings):
    settings.COMPLAINT_SUBMIT_RATE_PER_MINUTE = 5
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post(SUBMIT, public_form(tree)).status_code for _ in range(20)]
    assert statuses.count(200) == 5
    assert statuses[5:] == [429] * 15
    refused = client.post(SUBMIT, public_form(tree))
    assert "一分钟内提交次数过多，本次举报未保存" in refused.content.decode()
    assert Complaint.objects.count() == 5
    # Another address is not affected.
    assert Client(REMOTE_ADDR="203.0.113.10").post(SUBMIT, public_form(tree)).status_code == 200


def test_honeypot_refuses(tree):
    response = Client().post(SUBMIT, public_form(tree, website="http://spam.example"))
    assert response.status_code == 400
    assert "本次提交未被接受。" in response.content.decode()
    assert not Complaint.objects.exists()


def test_photo_is_reencoded_without_exif(tree):
    photo = jpeg_with_gps()
    assert b"PhoneMaker" in photo
    response = Client().post(
        SUBMIT, {**public_form(tree), "files": [upload("IMG_0001.jpg", photo)]}
    )
    assert response.status_code == 200
    attachment = ComplaintAttachment.objects.get()
    stored = attachment.file.read()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    assert "IMG_0001" not in attachment.file.name
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and img.size == (64, 48)
        assert not img.getexif()


def test_disguised_upload_is_refused(tree):
    fake = upload("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = Client().post(SUBMIT, {**public_form(tree), "files": [fake]})
    assert response.status_code == 400
    assert "不是照片或PDF文件" in str(response.context["form"].errors["files"])
    assert not Complaint.objects.exists()


def test_oversized_upload_is_refused(tree, settings):
    settings.COMPLAINT_UPLOAD_MAX_BYTES = 1024 * 1024
    big = upload("scan.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "application/pdf")
    response = Client().post(SUBMIT, {**public_form(tree), "files": [big]})
    assert response.status_code == 400
    assert "过大" in str(response.context["form"].errors["files"])
    assert not ComplaintAttachment.objects.exists()


def test_at_most_six_files(tree):
    files = [upload(f"{i}.pdf", b"%PDF-1.4\n%%EOF", "application/pdf") for i in range(7)]
    response = Client().post(SUBMIT, {**public_form(tree), "files": files})
    assert response.status_code == 400
    assert "最多上传6个文件" in str(response.context["form"].errors["files"])


def _track(code, secret):
    return Client().post(TRACK, {"tracking_code": code, "secret": secret})


def test_wrong_secret_answers_exactly_like_unknown_code(tree):
    complaint, secret = submit(tree.a)
    wrong = _track(complaint.tracking_code, "WRONGSECRET1")
    unknown = _track("JBZZZZZZZZZZ", "WRONGSECRET1")
    assert wrong.status_code == unknown.status_code == 200

    def visible(response):
        # The page apart from the CSRF token and the echoed code.
        body = response.content.decode()
        body = body.replace(complaint.tracking_code, "CODE").replace("JBZZZZZZZZZZ", "CODE")
        import re

        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)

    assert visible(wrong) == visible(unknown)
    assert "查询码与查询密码不匹配任何举报" in wrong.content.decode()
    assert "正在办理" not in wrong.content.decode()
    right = _track(complaint.tracking_code.lower(), secret)
    assert "已收到，等待审核" in right.content.decode()


def test_tracking_shows_the_public_reply_only(tree):
    complaint, secret = submit(tree.a, named=True)
    advance(complaint, tree, "concluded")
    body = _track(complaint.tracking_code, secret).content.decode()
    assert "经核查，该机构违规开展学科类培训，已责令停止。" in body
    assert "已答复" in body
    # Nothing else: not the handler, not the internal note, not the reporter.
    for hidden in ("现场核查属实", "a_officer", "王小明", "13912345678"):
        assert hidden not in body


def test_merged_tip_off_follows_the_original(tree):
    from complaints.services import handling

    original, _ = submit(tree.a)
    duplicate, secret = submit(tree.a)
    handling.complaint_merge(actor=act(tree.user("a", "admin")), complaint=duplicate, into=original)
    advance(original, tree, "concluded")
    body = _track(duplicate.tracking_code, secret).content.decode()
    assert "已与同一案件的较早举报合并办理" in body
    assert "已责令停止" in body


def test_institution_search_exposes_public_fields_only(tree, institution_a):
    from bureaus.context import acting, system_actor

    with acting(system_actor("tests")):
        institution_a.contact_name = "李老板"
        institution_a.contact_phone = "13800001111"
        institution_a.status = "normal"  # the public search shows none still in 筹设
        institution_a.save()
    url = reverse("public_complaints:institution-search")
    data = Client().get(url, {"q": "启明"}).json()
    assert data == {
        "results": [
            {
                "id": institution_a.pk,
                "name": "启明星学科辅导中心",
                "address": "文三路100号",
                "district": "西湖区教育局",
            }
        ]
    }
    html = Client().get(url, {"institution_name": "启明"}, HTTP_HX_REQUEST="true")
    body = html.content.decode()
    assert "启明星学科辅导中心" in body and "李老板" not in body and "13800001111" not in body
    assert Client().get(url, {"q": "启"}).json() == {"results": []}


def test_request_larger_than_six_files_is_refused_unread(tree, settings):
    settings.COMPLAINT_UPLOAD_MAX_BYTES = 1024 * 1024
    response = Client().post(
        SUBMIT, public_form(tree), CONTENT_LENGTH=str(6 * 1024 * 1024 + 2 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()
    assert not Complaint.objects.exists()
