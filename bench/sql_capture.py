"""Benchmark only: record the SQL a request runs, so the harness can re-run it through psycopg.

Installed by bench/bench_settings.py, never by the application's settings. A request is
captured only when it carries `X-Bench-Capture: <name>` and the server was started with
JIANGUAN_BENCH_SQL_DIR; the statements and their parameters are pickled to
`<dir>/<name>.pickle`.
"""

import os
import pickle
import re
from pathlib import Path

from django.db import connection

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class SqlCaptureMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        directory = os.environ.get("JIANGUAN_BENCH_SQL_DIR")
        self.directory = Path(directory) if directory else None

    def __call__(self, request):
        name = request.headers.get("X-Bench-Capture", "")
        if self.directory is None or not _NAME.match(name):
            return self.get_response(request)
        statements = []

        def record(execute, sql, params, many, context):
            statements.append((sql, params, many))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        with open(self.directory / f"{name}.pickle", "wb") as f:
            pickle.dump(statements, f)
        return response
