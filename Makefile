# Two entry points: `make run` (the app on the demo plan) and `make test` (the whole suite).
# `make mutate` runs mutation testing on the pure modules (slow: see [tool.mutmut] in pyproject.toml).
# Both create .venv on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP := $(VENV)/.installed-app
TESTS := $(VENV)/.installed-tests
MUTATE := $(VENV)/.installed-mutate

.PHONY: run test bench mutate clean

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

$(MUTATE): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $(MUTATE) $(TESTS) $(APP)

run: $(APP)
	$(BIN)/workshop run --simulate sessions/demo.yaml

# Two workers a core: a Pilot test spends about half its time waiting for the app to settle
# after each key, and another worker uses the core meanwhile (measured: a third less wall time).
WORKERS ?= $$(( 2 * $$(nproc) ))

# Bytecode caches on, whatever the shell says: every worker would otherwise compile the app and
# rewrite every test module's asserts again (about 2 s of CPU a worker).
test: $(TESTS)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

bench: $(TESTS)
	$(BIN)/python bench/history.py --sessions 200
	$(BIN)/python bench/startup.py --repeat 5
	$(BIN)/python bench/tui_history.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/phones.py
	$(BIN)/python bench/contention.py --repeat 3
	$(BIN)/python bench/attack.py
	$(BIN)/python bench/soak.py

# Every mutant of analytics, wording, inputs/ and store/ against the tests that need no terminal
# or server; results are kept in mutants/ so a second run only tries what changed. A subset:
# make mutate ONLY='workshop.analytics*'. Survivors: $(BIN)/mutmut show NAME.
mutate: $(MUTATE)
	$(BIN)/mutmut run --max-children $$(nproc) $(if $(ONLY),'$(ONLY)')
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) build src/*.egg-info mutants
