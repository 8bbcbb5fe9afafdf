# Two commands do everything on a fresh machine: `make run` (the demo) and `make test` (the suite).
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench migrate clean

install: $(STAMP)

# Re-installs only when pyproject.toml changes; safe to run any number of times.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	PORT=$(PORT) $(BIN)/python manage.py demo --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Performance figures: JOOR parsing, webhook latency, a full sync at two catalog sizes, UI pages,
# recovery under faults and worker kills.
bench: migrate
	$(BIN)/python manage.py joor_bench
	$(BIN)/python manage.py webhook_bench
	$(BIN)/python manage.py sync_bench --styles 500 --skus-per-style 12
	$(BIN)/python manage.py sync_bench --styles 2000 --skus-per-style 12
	$(BIN)/python manage.py sync_bench --styles 2000 --skus-per-style 4 --images 3 --deliveries 4 --locations 2
	$(BIN)/python manage.py sync_bench --styles 2000 --skus-per-style 4 --price-types 2
	$(BIN)/python manage.py echo_bench --products 2000
	$(BIN)/python manage.py ui_bench --rows 10000
	$(BIN)/python manage.py chaos_bench --styles 2000 --shopify-only 300 --kills 10 --orders 300 --order-kills 10
	$(BIN)/python manage.py orders_bench --orders 1000 --lines 20

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
