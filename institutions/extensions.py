"""How the apps above the registry (courses, funds, inspections, the portal) add to an
institution without the registry importing them (the layering in pyproject.toml).

Warnings: an app registers its warning codes once, from its AppConfig.ready():

    register_warnings("funds", {"below_minimum": _("Escrow balance below the minimum")})

and then says which of them hold for an institution, replacing what it said before:

    set_warnings(institution=i, source="funds", codes=["below_minimum"])
    set_warnings_many(source="funds", codes_by_institution={7: ["below_minimum"]},
                      institution_ids=every_id_the_job_looked_at)

They are stored beside the registry's own in `Institution.warning_codes` as "funds:below_minimum",
so the list's warning filter, the detail page, the API and the white-list check read them alike;
the registry's recomputation of its own codes keeps them (`keep_foreign`).

Panels: a block on the institution's staff page or public page,

    register_panel(page="staff", template="funds/_institution_panel.html",
                   context=lambda request, institution: {...} or None)

where `institution` is the Institution on the staff page and the public disclosure (a dict with
"id", "name", …) on the public page. Returning None hides the panel.
"""

from collections import defaultdict
from collections.abc import Callable

from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.panels import Panels

SEPARATOR = ":"
PAGES = ("staff", "public")

_labels: dict[str, object] = {}


# --- warnings --------------------------------------------------------------------------------


def register_warnings(source: str, labels: dict) -> None:
    """Declare a source's warning codes and their labels (lazy gettext)."""
    if SEPARATOR in source or not source:
        raise ValueError(f"bad warning source {source!r}")
    for code, label in labels.items():
        _labels[qualified(source, code)] = label


def qualified(source: str, code: str) -> str:
    return f"{source}{SEPARATOR}{code}"


def registered_labels() -> dict:
    """ "source:code" → label, for every code an app registered."""
    return dict(_labels)


def keep_foreign(own: list[str], current: list[str]) -> list[str]:
    """The registry's own codes followed by the ones other apps set (left as they were)."""
    return [*own, *(code for code in current if SEPARATOR in code)]


def _check(source: str, codes) -> list[str]:
    wanted = [qualified(source, code) for code in codes]
    unknown = [code for code in wanted if code not in _labels]
    if unknown:
        raise ValueError(f"unregistered warning codes: {unknown}")
    return wanted


def _replace_sql(source: str, wanted: list[str]):
    """The stored codes with this source's replaced by `wanted`, in SQL (no stale row)."""
    return RawSQL(
        "ARRAY(SELECT c FROM unnest(warning_codes) c WHERE c NOT LIKE %s) || %s::varchar[]",
        (_like(source), wanted),
        output_field=ArrayField(models.CharField(max_length=64)),
    )


def _differs_sql(source: str, wanted: list[str]):
    """True where this source's stored codes are not exactly `wanted`."""
    return RawSQL(
        "ARRAY(SELECT c FROM unnest(warning_codes) c WHERE c LIKE %s)::varchar[]"
        " IS DISTINCT FROM %s::varchar[]",
        (_like(source), wanted),
        output_field=models.BooleanField(),
    )


def _like(source: str) -> str:
    escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}{SEPARATOR}%"


def set_warnings(*, institution, source: str, codes) -> list[str]:
    """Replace this source's warnings on one institution; returns its codes as stored."""
    set_warnings_many(
        source=source, codes_by_institution={institution.pk: codes}, institution_ids=[]
    )
    from institutions.models import Institution

    institution.warning_codes = Institution.objects.values_list("warning_codes", flat=True).get(
        pk=institution.pk
    )
    return institution.warning_codes


@transaction.atomic
def set_warnings_many(*, source: str, codes_by_institution: dict, institution_ids=()) -> int:
    """Replace this source's warnings on many institutions at once: those in
    `codes_by_institution` get exactly those codes; those only in `institution_ids` (what the
    caller looked at and found nothing on) lose this source's codes. Set-based: one UPDATE per
    distinct set of codes, touching only rows whose codes change, so a second run with the
    same figures writes nothing. Returns how many institutions changed."""
    from institutions.models import Institution

    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, codes in codes_by_institution.items():
        groups[tuple(sorted(set(codes)))].append(pk)
    cleared = set(institution_ids) - set(codes_by_institution)
    if cleared:
        groups[()].extend(sorted(cleared))
    changed = 0
    for codes, pks in groups.items():
        wanted = _check(source, codes)
        for start in range(0, len(pks), 5000):
            changed += (
                Institution.objects.filter(pk__in=pks[start : start + 5000])
                .filter(_differs_sql(source, wanted))
                .update(warning_codes=_replace_sql(source, wanted), updated_at=timezone.now())
            )
    return changed


# --- panels ----------------------------------------------------------------------------------

PANELS = {page: Panels() for page in PAGES}


def register_panel(*, page: str, template: str, context: Callable, order: int = 100) -> None:
    """A block rendered on the institution's staff page or public page (core.panels)."""
    if page not in PAGES:
        raise ValueError(f"page must be one of {PAGES}")
    PANELS[page].register(template=template, context=context, order=order)


def render_panels(page: str, request, institution) -> list[str]:
    """The HTML of every panel registered for this page that has something to show."""
    return PANELS[page].render(request, institution)
