# Two commands on a fresh machine: `make run` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench lint format system-deps clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python >= 3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip wheel setuptools
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

run: $(STAMP)
	$(BIN)/voicebot serve

test: $(STAMP) system-deps
	$(BIN)/ruff check voicebot telephony tests
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not peers"

bench: $(STAMP) system-deps
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check voicebot telephony tests benchmarks
	$(BIN)/ruff format --check voicebot telephony tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format voicebot telephony tests benchmarks
	$(BIN)/ruff check --fix voicebot telephony tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
