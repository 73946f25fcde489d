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
    from bureaus.context import acting, system_actor
    from bureaus.models import Bureau

    with acting(system_actor("bench")):
        province, _ = Bureau.objects.get_or_create(
            code="98", defaults={"name": "基准省", "level": "province"}
        )
        city, _ = Bureau.objects.get_or_create(
            code="9801", defaults={"name": "基准市", "level": "city", "parent": province}
        )
        districts = [
            Bureau.objects.get_or_create(
                code=f"9801{n:02d}",
                defaults={"name": f"基准{n}区", "level": "district", "parent": city},
            )[0]
            for n in range(1, count + 1)
        ]
    return city, districts
