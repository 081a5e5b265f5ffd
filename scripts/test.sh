#!/usr/bin/env bash
# `make test`: every test against the real Redis, OpenSearch and Tesseract started by `make services`.
set -euo pipefail
cd "$(dirname "$0")/.."
export HERITAGE_CACHE_DIR="${HERITAGE_CACHE_DIR:-$HOME/.cache/heritage}"
mkdir -p test-artifacts
.venv/bin/ruff check heritage tests bench
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
