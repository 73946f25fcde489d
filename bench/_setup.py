"""Shared set-up of the benchmarks: Django against DATABASE_URL (see scripts/bench.sh)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def bench_districts(count):
    """The benchmark bureau tree: province 98 → city 9801 → districts 980101…; idempotent.
    Call after django_setup()."""
    districts = [
        bench_district(
            f"9801{n:02d}", f"基准{n}区", province=("98", "基准省"), city=("9801", "基准市")
        )
        for n in range(1, count + 1)
    ]
    return districts[0].parent, districts


def bench_member(username, bureau, role):
    """A bench user with a membership of `role` in `bureau`; idempotent. Call after
    django_setup()."""
    from bureaus.context import acting, system_actor
    from bureaus.models import Membership, User

    with acting(system_actor("bench")):
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, bureau=bureau, role=role)
    return user


def bench_district(code, name, *, province, city, streets=(), actor="bench"):
    """One district `code` named `name` under the province and city given as (code, name),
    with `streets`; idempotent. Call after django_setup()."""
    from bureaus.context import acting, system_actor
    from bureaus.models import Bureau, Street

    with acting(system_actor(actor)):
        top, _ = Bureau.objects.get_or_create(
            code=province[0], defaults={"name": province[1], "level": "province"}
        )
        middle, _ = Bureau.objects.get_or_create(
            code=city[0], defaults={"name": city[1], "level": "city", "parent": top}
        )
        district, _ = Bureau.objects.get_or_create(
            code=code, defaults={"name": name, "level": "district", "parent": middle}
        )
        for street in streets:
            Street.objects.get_or_create(bureau=district, name=street)
    return district


def bench_staff(count, prefix):
    """The benchmark districts (bench_districts), `<prefix>_officer` an officer of the first and
    `<prefix>_supervisor` the city's supervisor: (districts, officer, supervisor)."""
    city, districts = bench_districts(count)
    officer = bench_member(f"{prefix}_officer", districts[0], "officer")
    supervisor = bench_member(f"{prefix}_supervisor", city, "supervisor")
    return districts, officer, supervisor
