"""The README's roles table names every role of the permission table, and the paths it sends a
reader to exist (a README that describes what is not there is a defect)."""

from pathlib import Path

from django.urls import resolve

from bureaus.models import Membership

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_role_has_a_row():
    section = README.split("## Roles")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert sorted(row.split("`")[1] for row in rows) == sorted(Membership.Role.values)


def test_paths_named_in_what_is_built_today_resolve():
    section = README.split("## What is built today")[1].split("\n## ")[0]
    for path in ("/", "/public/", "/api/docs/"):
        assert f"`{path}`" in section
        resolve(path)
    assert "var/log/web.log" in README and "seed_demo" in README
