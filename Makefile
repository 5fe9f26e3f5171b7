# The two commands of the README's Quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLUGINS := $(wildcard plugins/*/pyproject.toml)
OUT := out

.PHONY: setup demo test lint docs bench clean

$(STAMP): pyproject.toml $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,xlsx,stem,stopwords,report]' $(foreach p,$(PLUGINS),-e $(dir $(p)))
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/python examples/demo.py --out $(OUT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

docs: setup
	$(BIN)/mkdocs build --strict --quiet --site-dir site

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench,fast]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(OUT) site
