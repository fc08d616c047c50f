# The same verbs everywhere. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY_BIN := $(shell python3 -c 'import sys,os; print(os.path.dirname(sys.executable))')
export JIEYOU_DATABASE_URL ?= sqlite:///var/jieyou.db

.PHONY: env run test lint fmt migrate bench model clean browser screenshots vendor

env:
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || python3 -m pip install --quiet uv
	@$$(command -v uv || echo "$(PY_BIN)/uv") sync --frozen --quiet

UVR = $$(command -v uv || echo "$(PY_BIN)/uv") run --frozen

run: env
	@mkdir -p var
	@$(UVR) jieyou init
	@$(UVR) jieyou demo --cases 600 --if-empty
	@echo "Serving on http://127.0.0.1:8000 (API docs: /docs)"
	@$(UVR) jieyou serve --host 127.0.0.1 --port 8000 --with-worker

test: env lint
	@$(UVR) pytest

lint: env
	@$(UVR) ruff check src tests benchmarks migrations
	@$(UVR) ruff format --check src tests benchmarks migrations
	@$(UVR) mypy src

fmt: env
	$(UVR) ruff format src tests benchmarks migrations
	$(UVR) ruff check --fix src tests benchmarks migrations

migrate: env
	$(UVR) jieyou db upgrade

bench: env
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	@$$(command -v uv || echo "$(PY_BIN)/uv") sync --frozen --quiet --group bench
	$(UVR) python benchmarks/intake.py
	$(UVR) python benchmarks/classify.py
	$(UVR) python benchmarks/risk.py

# Rebuild the classifier shipped in the package from the labelled messages in ../shared.
model: env
	$(UVR) python -m jieyou.classify.cli train --data ../shared/data/messages/train.csv \
		--out src/jieyou/classify/default_model

# Debian's chromium and CJK fonts for the browser test (it is skipped without chromium).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list | grep -qi "noto sans cjk" && command -v pdftoppm >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils)

# Re-take docs/screenshots/*.png (375 px and 1280 px) with the browser test.
screenshots: env browser
	JIEYOU_SCREENSHOTS=1 $(UVR) pytest tests/web/test_browser.py tests/web/test_dashboard_browser.py \
	  tests/grid/test_browser.py tests/patrol/test_browser.py tests/mediation/test_browser.py \
	  tests/mediation/test_documents.py

# Re-vendor htmx from npm into src/jieyou/web/static/vendor/ (commit the result).
vendor:
	bash scripts/vendor.sh

clean:
	rm -rf .venv var .pytest_cache
