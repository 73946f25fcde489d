"""How gunicorn serves the application: the same in the image (Dockerfile), docker-compose.yml,
`make run` (scripts/run.sh) and the benchmark harness (bench/harness.py), so the figures
measured are those of the deployment. Pass it with `-c config/gunicorn.conf.py`; the command
line still sets the address (`--bind`) and may override the rest.

- Sync workers (gunicorn's default, for an application behind a buffering proxy such as
  nginx): each worker serves one request at a time, and every request goes to whichever worker
  is free. Measured on the idle 2-core machine (issue 11, README "Benchmarks"), the same code
  served both ways: at one client no difference; at four clients the threaded workers with
  keep-alive served half as many requests for several endpoints (a kept connection stays on the
  worker that accepted it, so two or three clients can share one worker's interpreter while
  another idles): the two-character public search 208 against 501 requests/s, the institution
  detail API 215 against 449. `JIANGUAN_WEB_THREADS` above 1 makes them threaded workers
  (gthread, with keep-alive): `make run` uses 2 × 4 to bound the connections of a
  development machine.
- Database connections: each worker thread keeps its own (Django's connections are per
  thread), so the web holds at most `workers × threads` of them (3 by default, with
  CONN_MAX_AGE keeping them between requests); PostgreSQL's default max_connections is 100.
"""

import os

workers = int(os.environ.get("JIANGUAN_WEB_WORKERS", "3"))
threads = int(os.environ.get("JIANGUAN_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Threaded workers only: seconds an idle client connection stays open (a sync worker closes it
# after each response).
keepalive = int(os.environ.get("JIANGUAN_WEB_KEEPALIVE", "5"))
accesslog = os.environ.get("JIANGUAN_WEB_ACCESS_LOG", "-")
