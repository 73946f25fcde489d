"""The portal's pages as people use them: an officer invites, the contact sets a password and
signs in at the one login, lands on the portal and sees only their own institution."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bureaus import rls
from bureaus.models import User
from inspections.models import RectificationNotice
from institutions.models import Institution
from portal import access
from portal.models import PortalAccount, PortalInvitation
from tests.conftest import PASSWORD
from tests.funds.records import fund_warning
from tests.portal import records

pytestmark = pytest.mark.django_db


def _signed_in(account) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


def test_an_officer_invites_and_the_contact_creates_the_account_then_signs_in(tree):
    institution = records.institution(tree.a, "西湖书法学校")
    officer = Client()
    officer.force_login(tree.user("a", "officer"))
    form = officer.get(reverse("portal_staff:invitation-create"))
    assert form.status_code == 200 and "西湖书法学校" in form.content.decode()
    made = officer.post(
        reverse("portal_staff:invitation-create"),
        {"institution": institution.pk, "contact_name": "王老师"},
    )
    assert made.status_code == 200
    link = re.search(r'value="(http[^"]+/public/portal/invitations/[^"]+/)"', made.content.decode())
    path = link.group(1).split("testserver", 1)[1]
    invitation = PortalInvitation.objects.get()
    assert invitation.created_by == tree.user("a", "officer")
    listing = officer.get(reverse("portal_staff:invitation-list")).content.decode()
    assert "王老师" in listing and path not in listing  # the link is shown once only

    person = Client()
    page = person.get(path)
    assert page.status_code == 200 and "西湖书法学校" in page.content.decode()
    weak = person.post(path, {"username": "xhsf", "password": "abc", "password_again": "abc"})
    assert weak.status_code == 400 and not User.objects.filter(username="xhsf").exists()
    assert "invalid-feedback" in weak.content.decode()
    done = person.post(path, {"username": "xhsf", "password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302 and done["Location"].startswith(reverse("login"))
    assert PortalAccount.objects.get(user__username="xhsf").institution == institution
    # Used: the link now says so, and makes nothing more.
    again = person.post(
        path, {"username": "xhsf2", "password": PASSWORD, "password_again": PASSWORD}
    )
    assert again.status_code == 410 and not User.objects.filter(username="xhsf2").exists()

    # The one login page (django-axes and all), landing on the portal.
    signed = person.post(reverse("login"), {"username": "xhsf", "password": PASSWORD}, follow=True)
    assert signed.redirect_chain[-1][0] == reverse("portal:home")
    assert "西湖书法学校" in signed.content.decode()


def test_an_expired_or_unknown_link_says_so(tree):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    url = reverse("portal_public:invitation-accept", kwargs={"token": token})
    assert Client().get(url).status_code == 410
    posted = Client().post(url, {"username": "x", "password": PASSWORD, "password_again": PASSWORD})
    assert posted.status_code == 410 and not User.objects.filter(username="x").exists()
    unknown = reverse("portal_public:invitation-accept", kwargs={"token": "no-such-link"})
    assert Client().get(unknown).status_code == 404


def test_the_record_is_shown_read_only_with_its_warnings(tree):
    institution = records.institution(tree.a, "西湖书法", address="文三路1号")
    Institution.objects.filter(pk=institution.pk).update(warning_codes=["unapproved_site"])
    body = _signed_in(records.account(institution)).get(reverse("portal:home")).content.decode()
    assert "西湖书法" in body and "文三路1号" in body
    from institutions import rules

    assert str(rules.labels(["unapproved_site"])[0]) in body
    assert "<form" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_notices_and_evidence_from_the_phone(tree):
    mine = records.institution(tree.a, "西湖书法")
    account = records.account(mine)
    notice = records.notice(mine, "西教整改〔2026〕7号")
    neighbour = records.notice(records.institution(tree.a, "西湖舞蹈"), "西教整改〔2026〕8号")
    client = _signed_in(account)
    listing = client.get(reverse("portal:notice-list")).content.decode()
    assert "7号" in listing and "8号" not in listing
    url = reverse("portal:notice-detail", kwargs={"pk": notice.pk})
    page = client.get(url).content.decode()
    assert "更换过期灭火器" in page and "灭火器过期" in page
    empty = client.post(url, {"evidence": ""})
    assert empty.status_code == 400 and "invalid-feedback" in empty.content.decode()
    sent = client.post(url, {"evidence": "已更换,发票见附件"})
    assert sent.status_code == 302
    notice.refresh_from_db()
    assert notice.status == RectificationNotice.Status.SUBMITTED
    assert "已更换,发票见附件" in client.get(url).content.decode()
    # Another institution's notice, even in the same district: 404, and nothing written.
    other = reverse("portal:notice-detail", kwargs={"pk": neighbour.pk})
    assert client.get(other).status_code == 404
    assert client.post(other, {"evidence": "冒充"}).status_code == 404
    neighbour.refresh_from_db()
    assert neighbour.status == RectificationNotice.Status.ISSUED and not neighbour.evidence


def test_escrow_warnings_of_the_own_institution_only(tree):
    mine = records.institution(tree.a, "西湖书法")
    fund_warning(mine, "余额低于最低限额甲")
    fund_warning(records.institution(tree.a, "西湖舞蹈"), "余额低于最低限额乙")
    body = _signed_in(records.account(mine)).get(reverse("portal:escrow-warning-list"))
    assert "余额低于最低限额甲" in body.content.decode()
    assert "余额低于最低限额乙" not in body.content.decode()
    assert "6228" not in body.content.decode()  # no account number


def test_staff_and_anonymous_get_nothing_of_the_portal(tree):
    anonymous = Client().get(reverse("portal:home"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    officer = Client()
    officer.force_login(tree.user("a", "officer"))
    assert officer.get(reverse("portal:home")).status_code == 404


def test_an_institution_account_lands_on_the_portal_and_is_refused_the_staff_side(tree):
    client = _signed_in(records.account(records.institution(tree.a, "西湖书法")))
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == reverse("portal:home")
    assert client.get(reverse("institutions:institution-list")).status_code == 403
    assert client.get(reverse("portal_staff:invitation-list")).status_code == 403
    assert client.get(reverse("login")).status_code == 302  # already signed in


def test_a_deactivated_account_reaches_nothing(tree):
    account = records.account(records.institution(tree.a, "西湖书法"))
    PortalAccount.objects.filter(pk=account.pk).update(is_active=False)
    client = _signed_in(account)
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(reverse("institutions:institution-list")).status_code == 403


def test_the_database_scope_of_an_institution_account_is_its_district(tree):
    """Row-level security: a portal request reads its district's rows and no other's, even
    through a query that names no institution."""
    mine = records.institution(tree.a, "西湖书法")
    records.institution(tree.b, "上城书法")
    account = records.account(mine)
    with rls.use(rls.EMPTY):
        rls.forget_applied()
        with rls.use(rls.for_user(account.user)):
            found = access.account_for(account.user)
            assert found == account
            assert not Institution.objects.exists()  # before the portal's scope: nothing
        with rls.use(access.scope_for(found)):
            names = set(Institution.objects.values_list("name", flat=True))
            assert "西湖书法" in names and "上城书法" not in names
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM institutions_institution WHERE bureau_id = %s",
                    [tree.b.pk],
                )
                assert cursor.fetchone()[0] == 0


def test_portal_pages_fit_a_phone_and_are_chinese(tree):
    body = _signed_in(records.account(records.institution(tree.a, "西湖书法")))
    html = body.get(reverse("portal:home")).content.decode()
    assert 'name="viewport"' in html and "机构端" in html


def test_an_officer_withdraws_an_unused_invitation(tree):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))
    officer = Client()
    officer.force_login(tree.user("a", "officer"))
    url = reverse("portal_staff:invitation-revoke", kwargs={"pk": invitation.pk})
    assert officer.get(url).status_code == 200
    assert officer.post(url).status_code == 302
    link = reverse("portal_public:invitation-accept", kwargs={"token": token})
    assert Client().get(link).status_code == 410
    assert officer.post(url).status_code == 400  # already withdrawn


def test_a_portal_page_cannot_drop_the_portal_checks():
    from portal.views import PortalPage

    with pytest.raises(TypeError):

        class Sneaky(PortalPage):
            def dispatch(self, request, *args, **kwargs):
                return None
