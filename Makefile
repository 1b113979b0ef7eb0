# Widen: `make demo` runs the demo partnership locally; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format mypy imports pytest migrate bench fuzz install clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Widen needs Python 3.11 or newer.")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# `make demo PORT=8001` serves on another port (the demo checks it is free before building).
PORT ?= 8000
demo: $(INSTALLED)
	$(BIN)/widen demo --port $(PORT)
	$(BIN)/widen serve --port $(PORT)

migrate: $(INSTALLED)
	$(BIN)/widen migrate

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

mypy: $(INSTALLED)
	$(BIN)/mypy widen benchmarks

imports: $(INSTALLED)
	$(BIN)/lint-imports

pytest: $(INSTALLED)
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

test: lint mypy imports
	$(BIN)/widen check --fail-level WARNING
	$(BIN)/python -m widen.config.check_migrations
	$(MAKE) --no-print-directory pytest

# The bad-input campaign of every CI run (tests/fuzz), FUZZ_SCALE times longer.
fuzz: $(INSTALLED)
	WIDEN_FUZZ_SCALE=$${FUZZ_SCALE:-10} $(BIN)/python -m pytest -p no:xdist -q tests/fuzz

bench: $(INSTALLED)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
