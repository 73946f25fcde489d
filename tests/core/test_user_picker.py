"""The user picker (core.widgets.UserPicker, issue 9 item 3) on the tip-off assign step and the
inbox's bulk assign: suggestions from complaints:handler-autocomplete, the acting district's
handlers only; the form still refuses anyone else with a field error and writes nothing."""

import pytest
from django.urls import reverse

from bureaus.context import acting, system_actor
from complaints.forms import AssignForm
from complaints.models import Complaint
from tests.complaints.records import make_complaint
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = reverse("complaints:handler-autocomplete")


def _names(response):
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_suggestions_are_the_districts_handlers_only(client, tree):
    with acting(system_actor("tests")):
        make_user("张承办", tree.a, "officer")
        make_user("张乙区", tree.b, "officer")
    client.force_login(tree.user("a", "officer"))
    names = _names(client.get(URL))
    assert "张承办" in names and "a_officer" in names and "a_admin" in names
    # Not another district's, not a role that does not handle tip-offs.
    assert "张乙区" not in names and "b_officer" not in names
    assert "a_inspector" not in names and "a_auditor" not in names
    # Searched by name or user name.
    assert _names(client.get(URL, {"q": "张"})) == ["张承办"]
    assert _names(client.get(URL, {"q": "A_OFFIC"})) == ["a_officer"]
    row = client.get(URL, {"q": "张"}).json()["results"][0]
    assert row == {"id": row["id"], "text": "张承办", "detail": "张承办"}
    # Only who may assign: a supervisor, an inspector or an auditor is refused.
    for district, role in (("city", "supervisor"), ("a", "inspector"), ("a", "auditor")):
        client.force_login(tree.user(district, role))
        assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_assign_step_renders_the_picker_and_refuses_an_outsider(client, tree):
    with acting(system_actor("tests")):
        complaint = make_complaint(tree.a, "甲区机构", status=Complaint.Status.ACCEPTED)
    client.force_login(tree.user("a", "admin"))
    url = reverse("complaints:complaint-assign", args=[complaint.pk])
    body = client.get(url).content.decode()
    assert f'data-picker="{URL}"' in body and "<select" not in body.split("<form")[-1]
    response = client.post(url, {"assignee": tree.user("b", "officer").pk})
    assert response.status_code == 400
    assert "有效" in response.content.decode()  # the field's own error, in Chinese
    complaint.refresh_from_db()
    assert complaint.assignee_id is None
    # Re-shown after another field's error, the pick keeps its name in the text box.
    form = AssignForm({"assignee": str(tree.user("a", "officer").pk)}, complaint=complaint)
    assert 'value="a_officer"' in str(form["assignee"])


def test_the_inbox_bulk_assign_uses_the_picker(client, tree):
    client.force_login(tree.user("a", "officer"))
    body = client.get("/complaints/").content.decode()
    assert 'id="id_bulk_assignee"' in body and f'data-picker="{URL}"' in body
