# Two commands matter: `make run` (the site on the embedded default, with demo data) and
# `make test` (lint, checks and every test). Both set up what they need on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .venv-tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup python-deps node-deps run migrate seed test lint check pytest pytest-sqlite e2e assets bench-geo bench-claims bench-search test-es clean

help:
	@echo "make run    - set up, migrate, load demo data and serve at http://$(HOST):$(PORT)"
	@echo "make test   - set up, lint, check and run all tests (uses DATABASE_URL if set, else SQLite)"
	@echo "make assets - rebuild GOV.UK Frontend CSS/JS from the npm package"
	@echo "make bench-geo - time postcode lookups"
	@echo "make bench-claims - approve 200 claims from 20 threads on PostgreSQL; check nothing is overpaid"
	@echo "make bench-search - 100,000 suppliers on PostgreSQL: search latency against two baselines"
	@echo "make test-es - run the search conformance suite against Elasticsearch (docker compose)"

$(UV):
	@command -v uv >/dev/null 2>&1 || { python3 -m venv .venv-tools && .venv-tools/bin/pip install -q uv; }

python-deps: $(UV)
	@$(UV) sync --frozen --quiet

node-deps:
	@if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

setup: python-deps node-deps

migrate: python-deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: setup seed
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: python-deps
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

check: python-deps
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(PY) manage.py check --database default
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: setup
	.venv/bin/pytest $(PYTEST_ARGS)

# Search must give the same answers on SQLite as on PostgreSQL (issue #11): when the suite ran
# on PostgreSQL, the search tests (the conformance suite among them) run again on SQLite.
pytest-sqlite: setup
	@if [ -n "$$DATABASE_URL" ]; then DATABASE_URL= .venv/bin/pytest tests/search -q; fi

test: setup lint check pytest pytest-sqlite

e2e: setup
	.venv/bin/pytest -m e2e $(PYTEST_ARGS)

assets:
	npm ci --no-audit --no-fund --loglevel=error
	npm run build

bench-geo: python-deps
	$(PY) bench/geo_bench.py

# Both benchmarks use their own PostgreSQL database (BENCH_DATABASE_URL), created if missing.
bench-claims: python-deps
	$(PY) bench/claims_bench.py $(BENCH_ARGS)

bench-search: python-deps
	$(PY) bench/search_bench.py $(BENCH_ARGS)

# Starts the docker-compose Elasticsearch and runs the search tests against it.
test-es: setup
	docker compose up -d --wait elasticsearch
	ELASTICSEARCH_URL=$${ELASTICSEARCH_URL:-http://127.0.0.1:9200} .venv/bin/pytest tests/search $(PYTEST_ARGS)

clean:
	rm -rf db.sqlite3* var/ staticfiles/ .pytest_cache
