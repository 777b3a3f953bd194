# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev install-node translations lint pytest benchmark extract-messages screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

# One pip run for the app and its development tools.
$(VENV)/.installed-dev: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(VENV)/.installed $@

# axe-core, which the browser tests inject to check each page's accessibility.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser tests skip their accessibility checks (install Node.js and npm)"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-node: node_modules/.installed

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d lms/translations

run: install translations
	$(FLASK) db upgrade
	$(FLASK) lms seed-demo
	@echo "Serving on http://$(HOST):$(PORT), with the queue worker  (Ctrl+C stops both)"
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) $(BIN)/honcho --procfile Procfile start --port $(PORT)

lint: install-dev
	$(BIN)/ruff check lms tests migrations benchmarks wsgi.py gunicorn.conf.py setup.py
	$(BIN)/ruff format --check lms tests benchmarks wsgi.py gunicorn.conf.py setup.py
	$(BIN)/lint-imports

benchmark: install-dev translations
	$(BIN)/python -m benchmarks.pages
	$(BIN)/python -m benchmarks.impact
	$(BIN)/python -m benchmarks.load
	$(BIN)/python -m benchmarks.slow_phone
	$(BIN)/python -m benchmarks.sms_budget

pytest: install-dev install-node translations
	$(BIN)/python -m tests.run

test: lint pytest

# Regenerate the message catalog after changing user-facing strings.
extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-by-file \
		--project lms -o lms/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i lms/translations/messages.pot -d lms/translations

# Regenerate the README's screenshots: the browser journeys save them into docs/screenshots/.
screenshots: install-dev install-node translations
	LMS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -m browser tests/browser

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
