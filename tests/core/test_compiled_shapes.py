"""The per-process cache of compiled API statements (core.api.compiled) under a threaded
worker: its threads read and evict at once without an error, and it keeps its bound."""

import threading

from core.api import compiled


def test_threads_reading_and_evicting_at_once(monkeypatch):
    monkeypatch.setattr(compiled, "COMPILED_SHAPES", 8)
    shapes = compiled.Shapes()
    errors = []
    start = threading.Barrier(8)

    def churn(offset):
        start.wait()
        try:
            for i in range(5_000):
                key = (offset + i) % 24
                if shapes.get(key) is None:
                    shapes.put(key, key)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(shapes) == 8
    assert all(shapes.get(key) in (None, key) for key in range(24))
