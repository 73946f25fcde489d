"""Login, logout, password change, the bureau switcher, and the language of the interface."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bureaus.models import Membership
from tests.clients import password_change
from tests.conftest import PASSWORD


def test_wrong_password_gets_a_clear_chinese_message(client, tree):
    response = client.post(reverse("login"), {"username": "a_officer", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_login_shows_the_users_bureau_and_role(client, tree):
    response = client.post(
        reverse("login"), {"username": "a_officer", "password": PASSWORD}, follow=True
    )
    body = response.content.decode()
    assert "西湖区教育局" in body
    assert "科员" in body
    assert "上城区教育局" not in body


def test_english_is_available(client, tree):
    client.force_login(tree.user("a", "officer"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Officer" in client.get("/", follow=True).content.decode()


def test_logout_and_password_change(client, tree):
    client.force_login(tree.user("a", "officer"))
    response = password_change(client, "tiger-lily-0987", again="x")
    assert response.status_code == 200
    assert "输入的两个密码不一致" in response.content.decode()
    response = password_change(client, "tiger-lily-0987")
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
    response = client.post(
        reverse("login"), {"username": "a_officer", "password": "tiger-lily-0987"}
    )
    assert response.status_code == 302


def test_switcher_changes_the_acting_bureau(client, tree):
    user = tree.user("a", "officer")
    other = Membership.objects.create(user=user, bureau=tree.b, role="inspector")
    client.force_login(user)
    assert "西湖区教育局" in client.get("/", follow=True).content.decode()
    response = client.post(reverse("bureaus:switch"), {"membership": other.pk, "next": "/"})
    assert response.status_code == 302
    body = client.get("/", follow=True).content.decode()
    assert "上城区教育局" in body
    assert "检查员" in body


def test_unknown_bureau_in_switcher_is_404(client, tree):
    client.force_login(tree.user("a", "officer"))
    foreign = Membership.objects.get(user=tree.user("b", "officer"))
    assert client.post(reverse("bureaus:switch"), {"membership": foreign.pk}).status_code == 404
    assert client.post(reverse("bureaus:switch"), {"membership": "abc"}).status_code == 404
    assert client.post(reverse("bureaus:switch"), {"membership": 999999}).status_code == 404


def test_api_token_and_x_bureau_header(tree):
    user = tree.user("a", "officer")
    Membership.objects.create(user=user, bureau=tree.b, role="officer")
    token = Token.objects.create(user=user)
    client = APIClient()
    for code in ("330106", "330102"):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_BUREAU=code)
        codes = [b["code"] for b in client.get("/api/v1/bureaus/").json()["results"]]
        assert codes == [code]
    # A bureau the user holds no membership in: nothing is allowed.
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_BUREAU="3301")
    assert client.get("/api/v1/bureaus/").status_code == 403
    assert APIClient().get("/api/v1/bureaus/").status_code in (401, 403)
