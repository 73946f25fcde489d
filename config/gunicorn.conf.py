"""How gunicorn serves the application: the same in the image (Dockerfile), docker-compose.yml,
`make run` (scripts/run.sh) and the benchmark harness (bench/harness.py), so the figures
measured are those of the deployment. Pass it with `-c config/gunicorn.conf.py`; the command
line still sets the address (`--bind`) and may override the rest.

- Threaded workers (gthread), `workers × threads` requests at once, and a connection kept open
  between requests (HTTP keep-alive). The sync worker served one request at a time and closed
  the connection after every response; at four clients the threaded workers serve 15–40% more
  of the cheapest signed-in requests and 10–55% more of the officer's inbox API (issue 11;
  figures in docs/deploy.md); at one client they change nothing.
- Database connections: each thread keeps its own (Django's connections are per thread), so the
  web holds at most `workers × threads` of them (3 × 4 = 12 by default, with CONN_MAX_AGE
  keeping them between requests); PostgreSQL's default max_connections is 100.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("JIANGUAN_WEB_WORKERS", "3"))
threads = int(os.environ.get("JIANGUAN_WEB_THREADS", "4"))
# Seconds an idle client connection stays open: longer than a reverse proxy's own idle timeout
# for its upstream connections (docs/deploy.md), so the proxy, not gunicorn, closes them.
keepalive = int(os.environ.get("JIANGUAN_WEB_KEEPALIVE", "5"))
accesslog = os.environ.get("JIANGUAN_WEB_ACCESS_LOG", "-")
