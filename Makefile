# Position Press: a thin front for the `press` command. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PRESS  := $(VENV)/bin/press
STAMP  := $(VENV)/.installed

.PHONY: all build check test golden schema clean help

all: build ## Build every PDF for the sources into out/ (the default)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP) ## Build briefings and one-pagers into out/
	$(PRESS) build

check: $(STAMP) ## Check the sources and layouts; write nothing
	$(PRESS) check

test: $(STAMP) ## Run the whole test suite
	$(VENV)/bin/python -m pytest -q

golden: $(STAMP) ## Regenerate the golden HTML files the tests compare against
	$(VENV)/bin/python -m tests.golden

schema: $(STAMP) ## Regenerate the JSON Schemas in sources/schemas/ (for editors)
	$(PRESS) schema --write

clean: ## Remove out/ (the virtual environment stays)
	rm -rf out

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10
