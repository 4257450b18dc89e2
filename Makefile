# Two commands do all the setup: `make run` serves the shop, `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint schema bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/configurator serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check catalog rules configurator tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check catalog rules configurator tests benchmarks
	$(VENV)/bin/mypy

schema: $(VENV)/.installed
	$(VENV)/bin/configurator schema --out catalog/product.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
