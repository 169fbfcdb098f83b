# Two entry points for a fresh Debian machine with Python 3.11: `make run` and `make test`.
# Each sets itself up: a virtual environment in .venv with everything installed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint demo bench translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) run.py

test: $(STAMP)
	$(PY) -m pytest

# Style (ruff) and the architecture's import rules (import-linter); both configured in pyproject.toml.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

demo: $(STAMP)
	$(PY) -m flask --app workshop paja demo

bench: $(STAMP)
	$(PY) bench/mixing.py

translations: $(STAMP)
	$(PY) scripts/translations.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
