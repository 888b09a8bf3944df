# Two set-up commands (see README): `make run` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint pytest demo bundle bench clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP) $(STAMP)

run: $(STAMP)
	$(PY) -m villagevote

# `make test` = lint, then the tests; each step stops the build on a failure.
test: lint pytest

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check villagevote tests bench scripts
	$(VENV)/bin/mypy

pytest: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

demo: $(STAMP)
	$(PY) -m villagevote demo --db demo.sqlite3 --villages 20 --voters-per-village 2500

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py

bundle: $(STAMP)
	$(PY) -m pip install --quiet -e ".[build]"
	$(PY) -m PyInstaller --noconfirm --clean build.spec
	QT_QPA_PLATFORM=offscreen ./dist/villagevote/villagevote --self-test

clean-venv:
	rm -rf $(VENV)
