"""Checks shared by the tests of the list and detail APIs whose SQL is compiled once per
request shape (core.api.compiled): the same JSON as the ordinary path and as DRF's own walk
of the serializer's fields, request after request, and each scope its own rows."""


def assert_list_as_ordinary(client, url, params, headers, *, viewset, monkeypatch, walked):
    """The list compiled (first request) and from its compiled statements (second) equals the
    ordinary path's, key order included, and each row equals `walked(id)`. Returns the body."""
    with monkeypatch.context() as patched:
        patched.setattr(viewset, "compiled_list_key", lambda self: None)
        ordinary = client.get(url, params, **headers).json()
    first = client.get(url, params, **headers).json()
    again = client.get(url, params, **headers).json()
    assert first == ordinary and again == ordinary
    assert [list(row) for row in again["results"]] == [list(r) for r in ordinary["results"]]
    for row in again["results"]:
        assert row == walked(row["id"], row)
    return again


def assert_detail_as_ordinary(
    client, url, mine, other, *, sees_other, viewset, monkeypatch, walked
):
    """Each of `mine` twice (compiled, then from the compiled statement) equals `walked(id)`;
    `other` (another district's record) reads as the ordinary path reads it: the record for a
    superior, else the same 404; an unknown or malformed id is a 404."""
    for pk in mine:
        for _ in range(2):
            body = client.get(f"{url}{pk}/").json()
            assert body == walked(pk)
            assert list(body) == list(walked(pk))
    with monkeypatch.context() as patched:
        patched.setattr(viewset, "_compiled_detail", lambda self, membership: None)
        ordinary = client.get(f"{url}{other}/")
    for _ in range(2):
        response = client.get(f"{url}{other}/")
        assert response.status_code == ordinary.status_code == (200 if sees_other else 404)
        assert response.json() == ordinary.json()
        if sees_other:
            assert response.json() == walked(other)
    for missing in ("999999999", "x1", "١٢"):
        assert client.get(f"{url}{missing}/").status_code == 404
