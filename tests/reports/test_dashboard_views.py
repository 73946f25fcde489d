"""The district dashboard, the superiors' roll-ups with drill-down, and their exports: what a
user sees, the figures equal on page and workbook, the summary equal to a live count, and the
query counts pinned."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bureaus.context import acting, system_actor
from bureaus.models import Bureau
from complaints.models import Complaint
from institutions.models import Institution
from reports import figures, summaries
from reports.models import DistrictSummary
from reports.tasks import summaries_refresh
from tests.complaints.records import make_complaint
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(tree, as_system):
    for i in range(4):
        Institution.objects.create(
            bureau=tree.a, name=f"甲机构{i}", category="arts", status="normal"
        )
    Institution.objects.create(bureau=tree.b, name="乙机构", category="sports", status="banned")
    for i in range(3):
        make_complaint(tree.a, f"甲举报{i}")
    make_complaint(tree.b, "乙举报")
    return tree


def _sheet(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_home_of_district_staff_is_their_dashboard(client, filled):
    client.force_login(filled.user("a", "officer"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("reports:dashboard")
    body = client.get(response["Location"]).content.decode()
    assert "西湖区教育局" in body and "上城区教育局" not in body
    # Each figure links to the filtered list behind it.
    url = reverse("institutions:institution-list") + "?status=normal"
    assert f'<a href="{url}">4</a>' in body
    assert reverse("complaints:complaint-list") + '">3</a>' in body
    assert 'id="dashboard-charts"' in body and "vendor/chartjs/chart.umd.min.js" in body


def test_inspector_keeps_the_plain_home_and_cannot_open_the_dashboard(client, filled):
    client.force_login(filled.user("a", "inspector"))
    assert client.get("/").status_code == 200
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_dashboard_links_lead_to_the_same_count(client, filled):
    client.force_login(filled.user("a", "officer"))
    listed = client.get(reverse("institutions:institution-list") + "?status=normal")
    assert listed.content.decode().count('">甲机构') == 4  # the names linked in the rows


def test_export_has_the_figures_of_the_page(client, filled):
    client.force_login(filled.user("a", "officer"))
    rows = _sheet(client.get(reverse("reports:dashboard-export")))
    by_label = {row[1]: row[2] for row in rows if len(row) > 2 and row[1]}
    values = figures.district_figures(bureau_ids=[filled.a.pk])[filled.a.pk]
    labels = {str(f.label): f.key for f in figures.figures()}
    checked = 0
    for label, value in by_label.items():
        key = labels.get(label)
        if key in values:
            assert value == values[key], label
            checked += 1
    assert checked >= 20


def test_rollup_of_a_city_side_by_side_with_total_and_freshness(client, filled):
    with acting(system_actor("tests")):
        summaries_refresh.run()
    client.force_login(filled.user("city", "supervisor"))
    response = client.get("/", follow=True)
    body = response.content.decode()
    assert "西湖区教育局" in body and "上城区教育局" in body
    assert "数据截至" in body
    rollup = body[body.index('data-testid="rollup"') :]
    total = rollup[rollup.index('data-testid="total"') :]
    assert '<td class="text-end">5</td>' in total  # 4 + 1 institutions
    rows = _sheet(client.get(reverse("reports:dashboard-export")))
    header, *body_rows = rows
    column = header.index(str(figures.figures()[0].label))
    names = [r[0] for r in body_rows]
    assert "西湖区教育局" in names and "上城区教育局" in names
    total_row = next(r for r in body_rows if r[0] == "合计")
    assert total_row[column] == 5


def test_rollup_sorts_by_any_column(client, filled):
    with acting(system_actor("tests")):
        summaries_refresh.run()
    client.force_login(filled.user("city", "supervisor"))
    url = reverse("reports:dashboard")
    up = client.get(url + "?sort=complaints_received").content.decode()
    down = client.get(url + "?sort=complaints_received&dir=desc").content.decode()
    assert up.index('data-bureau="330102"') < up.index('data-bureau="330106"')
    assert down.index('data-bureau="330106"') < down.index('data-bureau="330102"')
    assert client.get(url + "?sort=nonsense").status_code == 200


def test_province_drills_down_to_a_city_then_a_district_read_only(client, filled):
    with acting(system_actor("tests")):
        summaries_refresh.run()
    client.force_login(filled.user("province", "supervisor"))
    body = client.get(reverse("reports:dashboard")).content.decode()
    assert "杭州市教育局" in body
    city = client.get(reverse("reports:bureau-rollup", args=[filled.city.pk])).content.decode()
    assert "西湖区教育局" in city and "上城区教育局" in city and "只读" in city
    district = client.get(reverse("reports:bureau-rollup", args=[filled.a.pk]))
    text = district.content.decode()
    assert district.status_code == 200 and "西湖区教育局" in text
    # Read-only: no links to the lists (they would show the superior's whole subtree).
    assert reverse("institutions:institution-list") + "?" not in text


def test_a_district_never_drills_into_a_sibling_or_its_city(client, filled):
    client.force_login(filled.user("a", "officer"))
    assert client.get(reverse("reports:bureau-rollup", args=[filled.b.pk])).status_code == 404
    assert client.get(reverse("reports:bureau-rollup", args=[filled.city.pk])).status_code == 404
    assert client.get(reverse("reports:bureau-export", args=[filled.b.pk])).status_code == 404


def test_another_province_is_a_404(client, filled):
    with acting(system_actor("tests")):
        other = Bureau.objects.create(code="32", name="江苏省教育厅", level="province")
        user = make_user("js_supervisor", other, "supervisor")
    client.force_login(user)
    assert client.get(reverse("reports:bureau-rollup", args=[filled.city.pk])).status_code == 404
    body = client.get(reverse("reports:dashboard")).content.decode()
    assert "西湖区教育局" not in body


def test_summary_equals_a_live_count(filled):
    """The consistency check: after a refresh, every stored figure of every district equals
    the live count of the same figure."""
    with acting(system_actor("tests")):
        summaries_refresh.run()
    month = timezone.localdate().replace(day=1)
    ids = [filled.a.pk, filled.b.pk]
    live = figures.district_figures(bureau_ids=ids)
    for row in DistrictSummary.objects.filter(month=month, bureau_id__in=ids):
        assert row.figures == live[row.bureau_id]
    assert DistrictSummary.objects.filter(bureau_id__in=ids).count() == 2 * 12


def test_refresh_is_incremental(filled):
    with acting(system_actor("tests")):
        first = summaries_refresh.run()
        assert first["full"] and first["districts"] >= 2
        again = summaries_refresh.run()
        assert again == {"districts": 0, "rows": 0, "full": False}
        make_complaint(filled.b, "乙新举报")
        third = summaries_refresh.run()
    assert third["districts"] == 1 and not third["full"]
    month = timezone.localdate().replace(day=1)
    row = DistrictSummary.objects.get(bureau=filled.b, month=month)
    assert row.figures["complaints_received"] == Complaint.objects.filter(bureau=filled.b).count()
    assert row.flows["complaints_received"] == 2


def test_rollup_reads_the_summary_not_the_live_tables(filled):
    with acting(system_actor("tests")):
        summaries_refresh.run()
        Institution.objects.create(bureau=filled.a, name="甲新机构", category="arts")
    data = summaries.rollup(bureau=filled.city)
    assert data["total"]["institutions"] == 5  # as of the refresh


@pytest.mark.parametrize(
    ("who", "queries"),
    [
        # The request's own (session, user, …; the memberships and a superior's subtree from
        # Redis after the first request, bureaus.acting), 9 grouped live figure queries and
        # the district's summary rows (the trend, the course figures: 5 queries fewer).
        (("a", "officer"), 13),
        # Children, figures per child, trend per month: the same for 2 or 3,000 districts.
        (("city", "supervisor"), 5),
        (("province", "supervisor"), 5),
    ],
)
def test_query_counts_are_pinned(client, filled, django_assert_num_queries, who, queries):
    with acting(system_actor("tests")):
        summaries_refresh.run()
    client.force_login(filled.user(*who))
    client.get(reverse("reports:dashboard"))  # the memberships kept from here on
    for name in ("reports:dashboard", "reports:dashboard-export"):
        with django_assert_num_queries(queries):
            assert client.get(reverse(name)).status_code == 200


def test_the_audit_administrator_has_no_dashboard(client, filled):
    # 三权分立: the audit administrator reads the audit trail only.
    client.force_login(filled.user("a", "auditor"))
    for name in ("reports:dashboard", "reports:dashboard-export"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get("/").status_code == 200  # the home page, not the dashboard


def test_national_rollup_puts_every_province_side_by_side(filled):
    with acting(system_actor("tests")):
        other = Bureau.objects.create(code="32", name="江苏省教育厅", level="province")
        summaries_refresh.run()
    data = summaries.rollup(bureau=None)
    names = [r["bureau"].name for r in data["rows"]]
    assert "浙江省教育厅" in names and "江苏省教育厅" in names
    zhejiang = next(r for r in data["rows"] if r["bureau"] == filled.province)
    assert zhejiang["institutions"] == 5 and zhejiang["districts"] == 2
    assert next(r for r in data["rows"] if r["bureau"] == other)["institutions"] == 0
    assert data["total"]["complaints_received"] == 4


def test_course_rule_violations_are_counted_per_district(client, filled):
    """Institutions with an accepted course that breaks a rule (courses' nightly run), on the
    district's dashboard and in its figures."""
    from courses.models import Course
    from tests.portal import records as portal_records

    school = portal_records.institution(filled.a, "违规课程机构")
    course = portal_records.course(school, "超时课程", status="accepted")
    Course.objects.filter(pk=course.pk).update(violations=["end_offline"])
    values = figures.district_figures(bureau_ids=[filled.a.pk, filled.b.pk])
    assert values[filled.a.pk]["course_violations"] == 1
    assert values[filled.b.pk]["course_violations"] == 0
    client.force_login(filled.user("a", "officer"))
    assert "课程违规" in client.get(reverse("reports:dashboard")).content.decode()


def test_before_any_refresh_the_district_dashboard_is_all_live(
    client, filled, django_assert_num_queries
):
    """No summary row yet: the trend and the course figures are counted live (5 grouped
    queries more, the summary rows' lookup besides)."""
    client.force_login(filled.user("a", "officer"))
    with django_assert_num_queries(19):
        body = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="summary-as-of"' not in body


def test_the_trend_and_course_figures_come_from_the_summary_with_their_freshness(client, filled):
    with acting(system_actor("tests")):
        summaries_refresh.run()
    client.force_login(filled.user("a", "officer"))
    before = client.get(reverse("reports:dashboard")).context
    with acting(system_actor("tests")):
        Institution.objects.create(bureau=filled.a, name="甲机构新", category="arts")
    response = client.get(reverse("reports:dashboard"))
    body = response.content.decode()
    assert "趋势与课程数据截至" in body
    context = response.context
    # The registry is live: the new institution counts at once…
    assert context["values"]["institutions"] == before["values"]["institutions"] + 1
    # …the trend waits for the next refresh (15 minutes), then shows it.
    assert context["trend"] == before["trend"]
    with acting(system_actor("tests")):
        summaries_refresh.run()
    after = client.get(reverse("reports:dashboard")).context
    assert after["trend"][-1]["registered"] == before["trend"][-1]["registered"] + 1
