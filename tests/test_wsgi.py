"""The WSGI entry point leaves the loaded application out of the garbage collector's walks
(issue 11: full collections of ~350,000 objects made the institution APIs' slow requests)."""

import gc
import importlib


def test_the_loaded_application_is_frozen():
    gc.unfreeze()
    try:
        module = importlib.reload(importlib.import_module("config.wsgi"))
        assert gc.get_freeze_count() > 10_000
        assert callable(module.application)
    finally:
        gc.unfreeze()
