# Policy Manual: set-up and checks. `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2
PORT ?= 8000
# Links in emails point where `make run` serves (an address set in the environment wins).
DJANGO_SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run install migrate demo test test-postgres lint bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

AXE := node_modules/axe-core/axe.min.js

# axe-core (npm) for the accessibility tests; without npm those tests are skipped.
install: $(STAMP)
	@test -f $(AXE) || { command -v npm >/dev/null 2>&1 && npm ci --no-audit --no-fund; } \
		|| echo "axe-core not installed (no npm, or npm ci failed): the accessibility tests will be skipped"

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	DJANGO_SITE_URL=$(DJANGO_SITE_URL) $(BIN)/python manage.py load_demo

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	DJANGO_SITE_URL=$(DJANGO_SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/policymanual} $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_function_imports.py
	$(BIN)/python manage.py makemigrations --check --dry-run

# Mutation testing of the modules that hold the rules ([tool.mutmut] in pyproject.toml; docs/mutation.md); not in CI.
mutate: install
	$(BIN)/python -m pip install --quiet "mutmut>=3.8,<4"
	$(BIN)/python scripts/mutate.py

bench: install
	$(BIN)/python bench/bench_manual.py

clean:
	rm -rf $(VENV) staticfiles node_modules mutants
