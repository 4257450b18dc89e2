# Two commands do all the setup: `make run` serves the shop, `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint schema messages bench clean postgres chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/configurator serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed postgres chromium
	$(VENV)/bin/ruff check catalog rules configurator tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest

# The persistence tests also run on a real PostgreSQL server: install Debian's where it is missing and we can.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  postgresql >/dev/null; } || echo "PostgreSQL could not be installed: the PostgreSQL tests will skip"

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here): install it where it is missing.
chromium:
	@[ -x /usr/bin/chromium ] || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  chromium >/dev/null; } || echo "Chromium could not be installed: the browser tests will skip"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check catalog rules configurator tests benchmarks
	$(VENV)/bin/mypy

schema: $(VENV)/.installed
	$(VENV)/bin/configurator schema --out catalog/product.schema.json
	$(VENV)/bin/configurator schema --translation --out catalog/translation.schema.json

# The interface's words: extract every marked string, then add new ones (untranslated) to each language's PO file.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output --omit-header -o catalog/locale/messages.pot .
	$(VENV)/bin/pybabel update -i catalog/locale/messages.pot -d catalog/locale --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date --width 120
	rm catalog/locale/messages.pot

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
