# carekg: `make serve` sets everything up and serves; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install java virtuoso check load serve test lint build clean bench bench-smoke bench-tools ui-tools yasgui chromium ontology-docs

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@touch $(STAMP)

install: $(STAMP) java bench-tools virtuoso ui-tools ## build .venv with carekg and its test tools

virtuoso: ## make sure Virtuoso's binaries are present for the store tests (only virtuoso-opensource-7-bin: no service, no prompts)
	@command -v virtuoso-t >/dev/null 2>&1 || { echo "installing virtuoso-opensource-7-bin for the store tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	   virtuoso-opensource-7-bin) >/dev/null; }

java: ## make sure a Java runtime is present for HermiT (installs one with apt-get if missing)
	@java -version >/dev/null 2>&1 || { echo "installing a Java runtime for HermiT"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; }

build: install ## recompile the curation tables (curation/ only) into ontology/ and data/
	$(BIN)/carekg build

check: install ## validate data and ontology (SHACL, HermiT, SPARQL checks)
	$(BIN)/carekg check

load: install ## load the dataset into the embedded store under .carekg/
	$(BIN)/carekg load

serve: install ## check, load and serve on http://$(HOST):$(PORT)
	$(BIN)/python -m api --host $(HOST) --port $(PORT)

lint: $(STAMP) ## ruff on src, api, tests, bench and scripts; mypy on src/carekg (config in pyproject.toml)
	$(BIN)/ruff check src api tests bench scripts
	$(BIN)/mypy

test: install lint ## lint and type check, then the whole test suite
	$(BIN)/python -m pytest -q

clean: ## remove the environment and the local store
	rm -rf $(VENV) .carekg .pytest_cache

bench-tools: ## make sure wrk (the benchmark's load generator) is present (installs it with apt-get if missing)
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk for the benchmark"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }

SIZES ?= 10k,100k,1m
bench: install ## benchmark carekg, Oxigraph server and rdflib-endpoint (SIZES=10k,100k,1m,10m); see docs/bench.md
	$(BIN)/python bench/run.py --sizes $(SIZES)

bench-smoke: install ## the benchmark at 10k triples with 1-second runs (results under bench/results/smoke/)
	$(BIN)/python bench/run.py --sizes 10k --duration 1 --out bench/results/smoke

# --- issue 7: the pages' set-up (docs/ui.md) ----------------------------------------------------------------
YASGUI_VERSION ?= 4.6.2
YASGUI_DIR     := api/static/vendor/yasgui

ui-tools: $(STAMP) yasgui chromium ontology-docs ## set up the pages: YASGUI, Chromium for tests/ui, pyLODE docs

yasgui: $(YASGUI_DIR)/yasgui.min.js ## install the YASGUI query editor (@zazuko/yasgui from npm, not committed) for /sparql

$(YASGUI_DIR)/yasgui.min.js:
	@if command -v npm >/dev/null 2>&1; then \
	  tmp=$$(mktemp -d) && \
	  (cd $$tmp && npm pack --silent @zazuko/yasgui@$(YASGUI_VERSION) >/dev/null) && \
	  tar -xzf $$tmp/zazuko-yasgui-$(YASGUI_VERSION).tgz -C $$tmp && mkdir -p $(YASGUI_DIR) && \
	  cp $$tmp/package/build/yasgui.min.css $$tmp/package/package.json $(YASGUI_DIR)/ && \
	  cp $$tmp/package/build/yasgui.min.js $(YASGUI_DIR)/ ; rm -rf $$tmp; \
	  test -f $@ || echo "could not fetch @zazuko/yasgui from npm: /sparql will be the plain form"; \
	else echo "npm not found: /sparql will be the plain form (install npm, then make yasgui)"; fi

chromium: ## make sure headless Chromium (Debian) is present for the browser tests in tests/ui
	@test -x /usr/bin/chromium || { echo "installing chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	  || echo "could not install chromium: tests/ui will be skipped"; }

ontology-docs: .carekg/docs/ontology.html ## generate the ontology's HTML documentation with pyLODE (served at /def to browsers)

.carekg/docs/ontology.html: $(STAMP) $(wildcard ontology/*.ttl ontology/modules/*.ttl ontology/imports/*.ttl ontology/alignments/*.ttl)
	@$(BIN)/carekg docs >/dev/null || echo "pyLODE failed: /def will show the plain term list"
