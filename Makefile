# Quickstart: `make demo` and `make test` set everything up on a fresh machine, then run.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_NOW ?= 2026-11-25T09:00:00+08:00
DEMO_OBSERVATION ?= examples/observation.json
DEMO_CONTRACT ?= examples/contract-with-expansion.json
DEMO_OUT ?= out
DEMO_KSYUN_EXPORT ?= examples/ksyun-export.json
DEMO_KSYUN_TABLES ?= examples/ksyun-tables.json
DEMO_ATTESTATIONS ?= examples/attestations.yaml

.PHONY: help setup venv system-deps pulumi engines go-check demo test lint typecheck unit bench lock schemas clean

help:
	@echo "make demo   - set up Python deps if needed; scaffold the tables of the example Kingsoft export, check the filled"
	@echo "              ones, check the export green with them and the attestations; validate the contract, check the"
	@echo "              embedded observation against the contract with one expansion request in progress, list the"
	@echo "              contract calendar, and write the HTML and PDF report to $(DEMO_OUT)/"
	@echo "make test   - set up if needed, then lint (ruff), type-check (mypy --strict), go-check and run every test"
	@echo "make bench  - benchmark: a small check's start-up; check at 10k, 100k, 1M vs json.load and a typed decode; live with latency"
	@echo "make setup  - install Chromium and PostgreSQL (system-deps) and create $(VENV) with the locked dependencies (idempotent)"
	@echo "make venv   - only the Python dependencies in $(VENV) (enough for check and HTML/Markdown/JSON reports)"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml"
	@echo "make pulumi - build the Pulumi CLI and Python language host from Go modules, if not cached (docs/pulumi.md)"
	@echo "make engines - make pulumi, plus Terraform (if not on PATH) and the Kingsoft test providers (tests/engines/)"
	@echo "make go-check - gofmt, go vet and go test the Go modules in tools/ (language host, test providers)"

setup: system-deps $(STAMP)

# Python dependencies only (what a CI job running `reconciler check` or an HTML report needs).
venv: $(STAMP)

# Headless Chromium (browser tests of the HTML report), CJK fonts, Pango/HarfBuzz/fontconfig that WeasyPrint
# loads for the PDF report, and the PostgreSQL server the history tests start throwaway copies of
# (tests/postgres_support.py; under root they run it as the package's `postgres` account), and poppler-utils
# (pdftotext and pdftoppm: the PDF layout tests read every word's box and draw the pages). Debian packages;
# the guard installs them when any one is missing.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 \
	postgresql poppler-utils
system-deps:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ] && command -v chromium >/dev/null; then exit 0; fi; \
	install="apt-get update && apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)"; \
	if [ "$$(id -u)" -eq 0 ]; then sh -c "$$install"; \
	elif command -v sudo >/dev/null; then sudo sh -c "$$install"; \
	else echo "missing system packages:$$missing; as root, run: $$install" >&2; exit 1; fi

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q reconciler >/dev/null  # bytecode, as an installed package has (PYTHONDONTWRITEBYTECODE may be set)
	@touch $@

demo: $(STAMP)
	@echo "== The first night's path (docs/operations.md): scaffold the tables, fill them, check green"
	@echo "== 1. Scaffold the tables file from what the Kingsoft export holds"
	$(BIN)/reconciler tables init --source ksyun --from-file $(DEMO_KSYUN_EXPORT) --now $(DEMO_NOW) \
		--output $(DEMO_OUT)/ksyun-tables.json
	@echo "== 2. What is left to fill (exit 1 while something is blank)"
	@rc=0; $(BIN)/reconciler tables check $(DEMO_OUT)/ksyun-tables.json || rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "(exit 1: blanks left, as scaffolded)"; elif [ $$rc -ne 0 ]; then exit $$rc; fi
	@echo "== 3. Filled: $(DEMO_KSYUN_TABLES) is that file with every blank filled, each with its evidence"
	$(BIN)/reconciler tables check $(DEMO_KSYUN_TABLES)
	@echo "== 4. Check the export with the filled tables, and attestations for what no API lists: green"
	$(BIN)/reconciler check --source ksyun --from-file $(DEMO_KSYUN_EXPORT) --source-option ksyun.tables=$(DEMO_KSYUN_TABLES) \
		--attest $(DEMO_ATTESTATIONS) --now $(DEMO_NOW) --no-history
	@echo
	@echo "== Then: the contract, a tenancy that is short, the calendar, the report"
	$(BIN)/reconciler validate contract_inventory.json
	@echo
	@rc=0; $(BIN)/reconciler check --observed $(DEMO_OBSERVATION) --contract $(DEMO_CONTRACT) \
		--now $(DEMO_NOW) --no-history || rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "(exit 1: the demo data has shortfalls and surpluses, as intended)"; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi
	@echo
	$(BIN)/reconciler calendar --contract $(DEMO_CONTRACT) --now $(DEMO_NOW)
	@echo
	@mkdir -p $(DEMO_OUT)
	$(BIN)/reconciler report --observed $(DEMO_OBSERVATION) --contract $(DEMO_CONTRACT) --now $(DEMO_NOW) \
		--no-history --output $(DEMO_OUT)/report.html
	@if $(BIN)/python -c "import weasyprint" 2>/dev/null; then \
		$(BIN)/reconciler report --observed $(DEMO_OBSERVATION) --contract $(DEMO_CONTRACT) --now $(DEMO_NOW) \
			--no-history --format pdf --output $(DEMO_OUT)/report.pdf; \
	else echo "(no PDF: WeasyPrint cannot load Pango; make system-deps installs it)"; fi
	@echo "Open the report: $(abspath $(DEMO_OUT))/report.html"

lint: setup
	$(BIN)/ruff check reconciler tests bench examples stacks policies
	$(BIN)/ruff format --check reconciler tests bench examples stacks policies
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy reconciler

# The engine tests (marker `engine`) need the Pulumi CLI: built once into ~/.cache/contract-reconciler (Go needed).
pulumi:
	@scripts/install-pulumi.sh >/dev/null

# The IaC engine tests also need Terraform (the one on PATH, else built from the Go module proxy) and the
# Kingsoft Cloud test providers of tools/ksyun-test-providers; both cached in ~/.cache/contract-reconciler.
engines: pulumi
	@scripts/install-terraform.sh >/dev/null
	@scripts/build-test-providers.sh >/dev/null

# The Go modules of tools/: the Python language host that install-pulumi.sh builds and the Kingsoft Cloud test
# providers; gofmt, vet and their tests. Their dependencies come from the Go module proxy; the module and build
# caches stay at Go's defaults, outside the repository.
GO_MODULES := tools/pulumi-language-python tools/ksyun-test-providers
# The Go they need: the `go` line of their go.mod (that of the Pulumi CLI 3.274.1 they build against).
GO_MIN = $(shell sed -n 's/^go //p' tools/pulumi-language-python/go.mod)
go-check:
	@command -v go >/dev/null || { echo "go-check: Go >= $(GO_MIN) must be on PATH" >&2; exit 1; }
	@have=$$(go env GOVERSION | sed 's/^go//'); \
	[ "$$(printf '%s\n%s\n' "$(GO_MIN)" "$$have" | sort -V | head -n1)" = "$(GO_MIN)" ] || \
	{ echo "go-check: Go >= $(GO_MIN) needed (tools/*/go.mod), found $$have" >&2; exit 1; }
	@for module in $(GO_MODULES); do \
		unformatted=$$(cd $$module && gofmt -l .); [ -z "$$unformatted" ] || { echo "go-check: run gofmt -w on: $$unformatted in $$module" >&2; exit 1; }; \
	done
	for module in $(GO_MODULES); do (cd $$module && nice go vet ./... && nice go test ./...) || exit 1; done

unit: setup engines
	$(BIN)/pytest

test: lint typecheck go-check unit

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/fleet.py

schemas: setup
	for name in contract observation reconciliation tables attestations fleet; do $(BIN)/reconciler schema $$name > schemas/$$name.schema.json; done

lock: setup
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --extra pulumi --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache bench/out test-artifacts $(DEMO_OUT)
