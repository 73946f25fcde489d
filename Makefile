# Jianguan: two commands on a fresh Debian 12 machine.
#   make run   set everything up, start web + Celery worker + beat, print where to log in
#   make test  set everything up (throwaway database), lint, migrations check, whole suite
# Honours DATABASE_URL / REDIS_URL when set; otherwise starts local ones.

.PHONY: run test stop setup system venv assets messages lint bench clean image-check

VENV := .venv
PY := $(VENV)/bin/python

run: setup
	@scripts/run.sh

test: setup
	@scripts/test.sh

stop:
	@scripts/run.sh stop

setup: system venv assets messages

system:
	@scripts/bootstrap-system.sh

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

assets:
	@scripts/assets.sh

messages: venv
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

lint: venv
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	@$(PY) scripts/lint_imports.py

bench: setup
	@scripts/bench.sh

# Not part of `make test`: as root, build the image from a debootstrap base with podman, start
# the compose stack, check /healthz and the login page, stop it (docs/deploy.md).
image-check:
	@scripts/image-from-debootstrap.sh check

clean: stop
	rm -rf $(VENV) node_modules static/vendor var
