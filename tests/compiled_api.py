"""Checks shared by the tests of the list and detail APIs whose SQL is compiled once per
request shape (core.api.compiled): the same JSON as the ordinary path and as DRF's own walk
of the serializer's fields, request after request, and each scope its own rows."""


def assert_list_as_ordinary(tree, who, url, params, headers, *, viewset, monkeypatch, walked):
    """As `who` (district, role): the list compiled (first request) and from its compiled
    statements (second) equals the ordinary path's, key order included; each row equals
    `walked(id, row)` and is of the user's scope. Returns the body."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(tree.user(*who))
    with monkeypatch.context() as patched:
        patched.setattr(viewset, "compiled_list_key", lambda self: None)
        ordinary = client.get(url, params, **headers).json()
    first = client.get(url, params, **headers).json()
    again = client.get(url, params, **headers).json()
    assert first == ordinary and again == ordinary
    assert [list(row) for row in again["results"]] == [list(r) for r in ordinary["results"]]
    for row in again["results"]:
        assert row == walked(row["id"], row)
    scope = {tree.a.pk, tree.b.pk} if who[0] not in ("a", "b") else {getattr(tree, who[0]).pk}
    assert {row["bureau"] for row in again["results"]} <= scope
    return again


def assert_detail_as_ordinary(tree, who, url, *, viewset, monkeypatch, walked):
    """As `who` (district, role), each record of district a twice (compiled, then from the
    compiled statement) equals `walked(id)`; the record of district b reads as the ordinary
    path reads it: the record for a superior, else the same 404; an unknown or malformed id is
    a 404."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(tree.user(*who))
    model = viewset.queryset.model
    sees_other = who[0] not in ("a", "b")  # a superior of both districts
    for pk in model.objects.filter(bureau=tree.a).values_list("pk", flat=True):
        for _ in range(2):
            body = client.get(f"{url}{pk}/").json()
            assert body == walked(pk)
            assert list(body) == list(walked(pk))
    other = model.objects.get(bureau=tree.b).pk
    with monkeypatch.context() as patched:
        patched.setattr(viewset, "_compiled_detail", lambda self, membership: None)
        ordinary = client.get(f"{url}{other}/")
    for _ in range(2):
        response = client.get(f"{url}{other}/")
        assert response.status_code == ordinary.status_code == (200 if sees_other else 404)
        assert response.json() == ordinary.json()
        if sees_other:
            assert response.json() == walked(other)
    for missing in ("999999999", "x1", "١٢", "9" * 19, "9" * 30):
        assert client.get(f"{url}{missing}/").status_code == 404
