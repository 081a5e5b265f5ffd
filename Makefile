# The two commands: `make run` (set up everything, run the library on the sample scans) and
# `make test` (set up everything, run every test). Downloads live in $(CACHE), not in the repo.
SHELL := /bin/bash
CACHE ?= $(HOME)/.cache/heritage
VENV ?= .venv
PY := $(VENV)/bin/python
HERITAGE := $(VENV)/bin/heritage
PORT ?= 8000
export HERITAGE_CACHE_DIR := $(CACHE)
export PIP_CACHE_DIR ?= $(CACHE)/pip

.PHONY: install system services stop frontend run test lint bench

system:
	@bash scripts/install-system.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[test]'
	@touch $@

install: system $(VENV)/.installed

services: system
	@bash scripts/redis.sh start
	@bash scripts/opensearch.sh start

stop:
	@bash scripts/run.sh stop || true
	@bash scripts/opensearch.sh stop || true
	@bash scripts/redis.sh stop || true

frontend:
	@bash scripts/frontend.sh test

run: install
	@bash scripts/frontend.sh
	@HERITAGE_REDIS_PERSIST=1 bash scripts/redis.sh start
	@bash scripts/opensearch.sh start
	@PORT=$(PORT) bash scripts/run.sh start

test: install services frontend
	@bash scripts/test.sh

lint: install
	@$(VENV)/bin/ruff check heritage tests bench
	@$(VENV)/bin/mypy heritage

bench: install services
	@$(PY) bench/ocr_accuracy.py
	@$(PY) bench/tiling.py
	@$(PY) bench/pipeline.py
	@bash scripts/frontend.sh test
	@$(PY) bench/web.py
