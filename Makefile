# mailroute: `make run` to try it, `make test` to prove it. See README.md.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin

.PHONY: run test venv venv-test system-test-deps model seed lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

model: venv
	$(BIN)/mailroute train samples/corpus --if-missing

var/.seeded: | venv
	$(BIN)/mailroute seed samples/corpus samples/odd
	touch $@

seed: var/.seeded

run: venv model seed
	$(BIN)/mailroute run

system-test-deps:
	scripts/install-test-deps.sh

test: venv-test system-test-deps
	$(BIN)/pytest

lint: venv-test
	$(BIN)/ruff check .

bench: venv
	$(PY) bench/pipeline_throughput.py

clean:
	rm -rf var .pytest_cache
