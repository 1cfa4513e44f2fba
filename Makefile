# Two entry points: `make run` (the app on the demo plan) and `make test` (the whole suite).
# Both create .venv on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP := $(VENV)/.installed-app
TESTS := $(VENV)/.installed-tests

.PHONY: run test bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The app alone for `make run`; the test tools only for `make test` and `make bench`.
$(APP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(APP)

$(TESTS): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TESTS) $(APP)

run: $(APP)
	$(BIN)/workshop run --simulate sessions/demo.yaml

test: $(TESTS)
	$(BIN)/python -m pytest -n auto

bench: $(TESTS)
	$(BIN)/python bench/history.py --sessions 200
	$(BIN)/python bench/startup.py --repeat 5
	$(BIN)/python bench/phones.py
	$(BIN)/python bench/contention.py --repeat 3
	$(BIN)/python bench/attack.py
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) build src/*.egg-info
