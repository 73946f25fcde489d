"""Demo inspections for `manage.py seed_demo`: the city's summer campaign (暑期“监管护苗”, the
nine-point checklist) with a share in every demo district, and 西湖区's own 回头看 campaign
(the seven points); visits with findings and photos, and rectification notices in every
state. Idempotent: skipped once the city's campaign exists."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from bureaus.models import Bureau, Department, Membership, User
from inspections.models import Campaign, ChecklistTemplate, Finding, RectificationNotice
from inspections.services import campaigns, notices, visits
from institutions.models import Institution

SUMMER = "2026年暑期校外培训“监管护苗”专项行动"
REVIEW = "义务教育阶段学科类校外培训治理“回头看”"


def _as(username):
    user = User.objects.get(username=username)
    user.membership = Membership.objects.select_related("bureau").filter(user=user).first()
    return user


def _photo(n):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40 * n % 255, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile(f"demo{n}.jpg", out.getvalue(), content_type="image/jpeg")


def _visit(share, institution, slug, *, violations, outcome, photo_n):
    inspector, officer = _as(f"{slug}_inspector"), _as(f"{slug}_officer")
    departments = list(Department.objects.filter(bureau=share.bureau)[:3])
    visit = visits.inspection_plan(
        actor=officer,
        share=share,
        institution=institution,
        planned_on=timezone.localdate() - dt.timedelta(days=20),
        unannounced=True,
        departments=departments,
        inspectors=[inspector.membership.user],
    )
    visits.inspection_start(actor=inspector, inspection=visit)
    findings = []
    for i, item in enumerate(share.campaign.items.all()):
        result = Finding.Result.VIOLATION if i < violations else Finding.Result.OK
        finding = visits.finding_save(
            actor=inspector,
            inspection=visit,
            item=item,
            result=result,
            note="现场查看发现问题" if result == Finding.Result.VIOLATION else "",
        )
        if result == Finding.Result.VIOLATION:
            visits.photo_add(actor=inspector, finding=finding, upload=_photo(photo_n + i))
        findings.append(finding)
    visits.inspection_conclude(
        actor=inspector,
        inspection=visit,
        outcome=outcome,
        personnel_times=3 + violations,
        vehicle_trips=1,
        summary="联合检查组现场检查，查验资质、核对资料、查看现场。",
    )
    visits.inspection_acknowledge(actor=inspector, inspection=visit)
    visits.inspection_representative_acknowledge(
        actor=inspector, inspection=visit, name="王老师", role="校区负责人"
    )
    return visit, [f for f in findings if f.result == Finding.Result.VIOLATION]


def _notice(visit, violations, slug, state):
    officer = _as(f"{slug}_officer")
    notice = notices.notice_issue(
        actor=officer,
        inspection=visit,
        findings=violations,
        requirements="限期整改，并报送整改材料。",
        working_days=5,
    )
    if state in ("submitted", "closed", "rejected"):
        notices.notice_submit_evidence(actor=officer, notice=notice, evidence="整改照片及说明")
    if state == "closed":
        notices.notice_verify(actor=officer, notice=notice, note="复查属实")
    if state == "rejected":
        notices.notice_reject(actor=officer, notice=notice, note="材料不全")
    if state == "escalated":
        RectificationNotice.objects.filter(pk=notice.pk).update(
            due_on=timezone.localdate() - dt.timedelta(days=3)
        )
        notices.notices_chase(today=timezone.localdate())
    if state == "sanctioned":
        notices.notice_sanction(
            actor=officer,
            notice=notice,
            sanction="suspend",
            reason="逾期未整改，责令停办整改",
            students_placed=18,
            refund_students=6,
            refunded_fen=1_280_000,
        )
    return notice


@transaction.atomic
def seed():
    city = Bureau.objects.filter(code="3301").first()
    if city is None or Campaign.objects.filter(bureau=city, name=SUMMER).exists():
        return
    today = timezone.localdate()
    nine = ChecklistTemplate.objects.get(name="暑期专项检查九方面", bureau=None)
    seven = ChecklistTemplate.objects.get(name="学科类校外培训治理“回头看”七看", bureau=None)
    summer = campaigns.campaign_issue(
        actor=_as("hangzhou_supervisor"),
        name=SUMMER,
        kind=Campaign.Kind.SPECIAL,
        template=nine,
        starts_on=today - dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=30),
        phases=[
            ("自查自纠", today - dt.timedelta(days=40), today - dt.timedelta(days=38)),
            ("集中检查", today - dt.timedelta(days=38), today + dt.timedelta(days=25)),
            ("总结报送", today + dt.timedelta(days=25), today + dt.timedelta(days=30)),
        ],
    )
    review = campaigns.campaign_issue(
        actor=_as("xihu_officer"),
        name=REVIEW,
        kind=Campaign.Kind.REVIEW,
        template=seven,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
    )
    states = ["issued", "submitted", "closed", "rejected", "escalated", "sanctioned"]
    slugs = {"330106": "xihu", "330102": "shangcheng", "330105": "gongshu"}
    n = 0
    shares = list(summer.shares.select_related("bureau")) + list(review.shares.all())
    offset = -1
    for share in shares:
        slug = slugs.get(share.bureau.code)
        if slug is None:
            continue
        offset += 1
        institutions = list(
            Institution.objects.filter(bureau=share.bureau, status="normal").order_by("pk")[:6]
        )
        for i, institution in enumerate(institutions):
            violations = 0 if i == 5 else 1 + i % 2
            visit, bad = _visit(
                share,
                institution,
                slug,
                violations=violations,
                outcome="compliant" if not violations else "rectify",
                photo_n=n,
            )
            n += 1
            if bad:
                _notice(visit, bad, slug, states[(i + offset) % len(states)])
