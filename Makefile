# Every entry point of the project. A fresh machine needs only Python 3.11+ and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# checkov pins its own boto3, so it lives in a venv of its own, inside .venv (ignored like it).
CHECKOV_VENV := $(VENV)/checkov
CHECKOV_INSTALLED := $(CHECKOV_VENV)/.installed-$(shell cksum < requirements-checkov.txt | cut -d' ' -f1)
# The stages deployed to AWS, whose packaged templates checkov checks.
CHECKOV_STAGES := dev prod
STAGE ?= dev
# chalice package needs a region to start; the template itself only uses AWS::Region.
PACKAGE_REGION ?= us-east-1
PYTEST_ARGS ?=

.PHONY: run test lint typecheck checkov unit integration infra-test e2e chromium bench package demo schema clean

$(INSTALLED): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

## run: the local stack (moto, the infra/ stack, the API, consumers and schedules) in the foreground;
##      its state survives restarts under .local/state (`make run RESET=1` starts empty)
run: $(INSTALLED)
	exec $(PY) -m infra.local

$(CHECKOV_INSTALLED): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@rm -f $(CHECKOV_VENV)/.installed-* && touch $@

## test: lint, format check, strict types, checkov on the packages and the whole test suite (what CI runs)
test: lint typecheck checkov chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(INSTALLED)
	$(PY) -m mypy

## checkov: checkov's CloudFormation checks on each deployed stage's package; .checkov.yaml skips a few, with reasons
checkov: $(INSTALLED) $(CHECKOV_INSTALLED)
	@for stage in $(CHECKOV_STAGES); do \
		$(MAKE) --no-print-directory package STAGE=$$stage >/dev/null || exit 1; \
		echo "checkov: build/$$stage/sam.json"; \
		$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml --file build/$$stage/sam.json || exit 1; \
	done

unit: $(INSTALLED)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

integration: $(INSTALLED)
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

infra-test: $(INSTALLED)
	$(PY) -m pytest tests/infra $(PYTEST_ARGS)

e2e: $(INSTALLED) chromium
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

## chromium: Debian's Chromium for the browser e2e test (tests/e2e/browser.py), installed if missing
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	else \
		echo "The e2e tests need Debian's Chromium at /usr/bin/chromium. As root, run" >&2; \
		echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2; \
		echo "(or run make as root), then try again." >&2; \
		exit 1; \
	fi

## demo: the local stack, a signed day of traffic for two artists, an abuse wave and its alert, consumption reports, a publish, the summary links
demo: $(INSTALLED)
	exec $(PY) -m infra.local.demo

## schema: regenerate docs/summary.schema.json from the summary model (a unit test fails until it is current)
schema: $(INSTALLED)
	$(PY) -m tools.summary_schema

## bench: print the benchmark figures (ratios against a baseline measured in the same run)
bench: $(INSTALLED)
	$(PY) -m bench

## package: the deployable SAM template and zip for STAGE under build/STAGE (no AWS account needed)
package: $(INSTALLED)
	rm -rf build/$(STAGE)
	AWS_DEFAULT_REGION=$(PACKAGE_REGION) $(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template infra/template.json build/$(STAGE)
	@echo "Packaged stage $(STAGE): build/$(STAGE)/sam.json and build/$(STAGE)/deployment.zip"

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .local test-artifacts
