"""Run one callable from several threads at once, each on its own database connection.

Used with `transactional_db` (each thread commits for real, as two browsers would). The threads
wait on a barrier so their requests reach PostgreSQL together; each returns its result or the
exception it raised, and closes its connection."""

import contextvars
import threading

from django.db import connections


def run_concurrently(fn, n: int, *, args_for=None, timeout: float = 60) -> list:
    """Call fn(i) (or fn(*args_for(i))) from n threads released together; returns the n
    results in thread order, an exception object standing for a raised one."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    # Each thread runs in a copy of the caller's context: the same audit actor and row-level
    # security scope (bureaus.rls) as the test that started it.
    contexts = [contextvars.copy_context() for _ in range(n)]

    def call(i):
        return fn(*args_for(i)) if args_for else fn(i)

    def worker(i):
        try:
            barrier.wait(timeout=timeout)
            results[i] = contexts[i].run(call, i)
        except BaseException as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
