# Yingshang — the two commands: `make demo` (set up everything and serve) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
ENTERPRISES ?= 2000
QUICK ?=
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: install demo serve migrate test e2e lint bench backup restore clean check-python

check-python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "需要 Python ≥ 3.12（当前 %s）" % sys.version.split()[0]'

$(VENV)/.installed: requirements.lock pyproject.toml | check-python
	@bash scripts/ensure-system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements.lock
	touch $@

install: $(VENV)/.installed ## venv + pinned dependencies only

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate ## set up reference data, demo data and accounts; run the task worker; serve on http://127.0.0.1:8000
	$(PY) manage.py setup_demo --enterprises $(ENTERPRISES)
	@echo "启动后台任务进程与网站：http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	@mkdir -p var
	@$(PY) scripts/requeue_stale_tasks.py
	@set -m; $(PY) manage.py db_worker --interval 1 > var/worker.log 2>&1 & WORKER=$$!; \
	  $(PY) manage.py run_periodic --loop > var/periodic.log 2>&1 & PERIODIC=$$!; \
	  trap "kill $$WORKER $$PERIODIC 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install ## the whole suite (set DATABASE_URL to run it on PostgreSQL)
	YINGSHANG_TESTING=1 $(PY) -m pytest -n 2 --dist loadfile -m "not e2e"
	$(MAKE) e2e

e2e: install ## browser journeys in headless Chromium (Debian's chromium)
	@bash scripts/ensure-chromium.sh
	YINGSHANG_TESTING=1 $(PY) -m pytest -m e2e -p no:xdist tests/e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy yingshang/core

bench: install ## benchmarks: ours vs baseline with the ratio (QUICK=1 for a small size)
	@bash scripts/ensure-bench-tools.sh
	QUICK=$(QUICK) $(PY) benchmarks/run.py

backup: install ## consistent backup with a manifest of row counts and checksums
	$(PY) manage.py backup $(or $(BACKUP),var/backups/yingshang-$(shell date +%Y%m%d-%H%M%S).bak)

restore: install ## restore BACKUP=path and verify it against its manifest
	$(PY) manage.py restore $(BACKUP)

clean:
	rm -rf var db.sqlite3 db.sqlite3-* benchmarks/out
