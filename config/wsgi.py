import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()


def _freeze_loaded_objects():
    """The objects of the loaded application (models, URL conf, views, serializers: ~350,000)
    moved out of the garbage collector's reach (gc.freeze). Left in, every full collection
    walked them all — 200–700 ms on the loaded 2-core machine, about once per 250 API
    requests, and in each worker at the same request since the workers serve alike: the few
    slow requests behind the institution APIs' c=1 p95 of 101–114 ms against a 13 ms p50
    (issue 11; README, Benchmarks). Objects made after this are collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every app's views now, not at a request
    gc.collect()
    gc.freeze()


_freeze_loaded_objects()
