"""How gunicorn serves the application: the same in the image (Dockerfile), docker-compose.yml,
`make run` (scripts/run.sh) and the benchmark harness (bench/harness.py), so the figures
measured are those of the deployment. Pass it with `-c config/gunicorn.conf.py`; the command
line still sets the address (`--bind`) and may override the rest.

- Threaded workers (gthread), `workers × threads` requests at once: a connection is kept open
  between requests (HTTP keep-alive). The sync worker closed it after every response, so each
  request paid a TCP connection and the accept race between the workers; over HTTP at one client
  that was about a quarter of the cheapest signed-in request (issue 11, docs/deploy.md).
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
