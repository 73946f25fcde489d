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
- As many sync workers as the CPUs this process may run on (at least 2), not gunicorn's
  "2 × CPUs + 1" for workers that wait on I/O: a request here is CPU-bound apart from short
  database and Redis round trips, and every idle sync worker waits on the shared listening
  socket, so each new connection wakes them all and the extra ones compete with the one that
  serves it for the same cores. Measured on the 2-core machine (wrk against gunicorn, the
  tip-off inbox benchmark's data, the same code; README "Benchmarks"): 2 workers against 3, at
  one client, the officer's inbox API p50 5.0–5.2 against 5.3–5.7 ms and the inbox page
  8.7–9.0 against 9.3–9.5 ms; at four clients 358 against 346 requests/s for the API and 231
  against 212 for the page; at eight, 351 against 359 for the API. `JIANGUAN_WEB_WORKERS` sets
  it (more workers where requests wait on something slow, e.g. many PDF downloads at once).
- Database connections: each worker thread keeps its own (Django's connections are per
  thread), so the web holds at most `workers × threads` of them (one a CPU by default, with
  CONN_MAX_AGE keeping them between requests); PostgreSQL's default max_connections is 100.
"""

import os

workers = int(os.environ.get("JIANGUAN_WEB_WORKERS") or max(2, len(os.sched_getaffinity(0))))
threads = int(os.environ.get("JIANGUAN_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Threaded workers only: seconds an idle client connection stays open (a sync worker closes it
# after each response).
keepalive = int(os.environ.get("JIANGUAN_WEB_KEEPALIVE", "5"))
accesslog = os.environ.get("JIANGUAN_WEB_ACCESS_LOG", "-")
