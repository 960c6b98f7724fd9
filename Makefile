# carekg: `make serve` sets everything up and serves; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install java check load serve test build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) java ## build .venv with carekg and its test tools

java: ## make sure a Java runtime is present for HermiT (installs one with apt-get if missing)
	@java -version >/dev/null 2>&1 || { echo "installing a Java runtime for HermiT"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; }

build: install ## recompile curation tables and seed material into ontology/ and data/
	$(BIN)/carekg build

check: install ## validate data and ontology (SHACL, HermiT, SPARQL checks)
	$(BIN)/carekg check

load: install ## load the dataset into the embedded store under .carekg/
	$(BIN)/carekg load

serve: install ## check, load and serve on http://$(HOST):$(PORT)
	$(BIN)/carekg serve --host $(HOST) --port $(PORT)

test: install ## run the whole test suite
	$(BIN)/python -m pytest -q

clean: ## remove the environment and the local store
	rm -rf $(VENV) .carekg .pytest_cache
