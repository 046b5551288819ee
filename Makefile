# The README's two commands: `make run` (chat UI over the bundled corpus) and `make test`.
PYTHON ?= python3
VENV ?= .venv
STORE ?= .citeqa
PORT ?= 7860
BIN := $(VENV)/bin

.PHONY: run test lint eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch is installed first and pinned: the CPU wheel on disk, never a CUDA build from a resolver.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/citeqa ingest corpus --store $(STORE)
	$(BIN)/citeqa ui --store $(STORE) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

eval: $(VENV)/.installed
	$(BIN)/citeqa eval --out eval-out

clean:
	rm -rf $(VENV) $(STORE) eval-out .mypy_cache .ruff_cache .pytest_cache
