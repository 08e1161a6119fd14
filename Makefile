# Position Press: a thin front for the `press` command. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PRESS  := $(VENV)/bin/press
STAMP  := $(VENV)/.installed

.PHONY: all build release verify check lint test fuzz fuzz-yaml fuzz-markdown fuzz-csv bench golden schema clean
.PHONY: help

all: build ## Build every PDF for the sources into out/ (the default)

# WeasyPrint needs Pango (present on this kind of machine) and HarfBuzz's subsetter for fast,
# reproducible font subsets; install the latter with apt when it is missing and we may. The print-shop
# PDFs' tests open them with qpdf, poppler's pdffonts and Ghostscript, and the live preview's tests
# (tests/serve) and the web twins' (tests/site) drive Debian's Chromium and ChromeDriver: all installed the same way.
$(STAMP): pyproject.toml
	@ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0 >/dev/null)); } || \
	  echo "note: install libharfbuzz-subset0 (or your system's HarfBuzz subset library) before building"
	@{ command -v qpdf && command -v pdffonts && command -v gs; } >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qpdf poppler-utils ghostscript >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qpdf poppler-utils ghostscript >/dev/null)); } || \
	  echo "note: install qpdf, poppler-utils and ghostscript (Debian's names): the print-shop PDFs' tests read them with those"
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)); } || \
	  echo "note: install chromium and chromium-driver (Debian's names) for the browser tests of the live preview and the web twins"
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP) ## Build briefings and one-pagers into out/
	$(PRESS) build

release: $(STAMP) ## Strict release build into out/release/ with packets, manifest and SHA256SUMS
	$(PRESS) build --release $(if $(ALLOW_STALE),--allow-stale)

verify: $(STAMP) ## Re-check out/release/ against its manifest
	$(PRESS) verify out/release

check: $(STAMP) ## Check the sources and layouts; write nothing
	$(PRESS) check

lint: $(STAMP) ## Check the code with ruff (rules in pyproject.toml)
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/ruff format --check --quiet .

test: lint ## Run ruff, then the whole test suite
	$(VENV)/bin/python -m pytest -q

fuzz: fuzz-yaml fuzz-markdown fuzz-csv ## Fuzz the YAML, Markdown and CSV readers, 10,000 examples a property (slow; -j3 -O runs them at once)

# One target per reader: its properties with the "fuzz" budget (FUZZ_EXAMPLES=1000 for a shorter run), then
# hypothesis's statistics for each (examples run, time, what it met) and the durations; a failure exits non-zero.
FUZZ_EXAMPLES ?= 10000
fuzz-yaml fuzz-markdown fuzz-csv: fuzz-%: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/python -m pytest -q tests/fuzz/test_$*.py --hypothesis-show-statistics --durations=0

bench: $(STAMP) ## Run the benchmarks under bench/ and print their tables (slow; not part of test)
	@for b in bench/bench_*.py; do $(VENV)/bin/python $$b || exit 1; done

golden: $(STAMP) ## Regenerate the golden HTML files the tests compare against
	$(VENV)/bin/python -m tests.golden

schema: $(STAMP) ## Regenerate the JSON Schemas in sources/schemas/ (for editors)
	$(PRESS) schema --write

clean: ## Remove out/ (the virtual environment stays)
	rm -rf out

help: ## List the targets, and where the code is
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10
	@echo
	@echo "The code (the README's code map has more): pipeline/sources reads and checks the sources;"
	@echo "pipeline/document makes one PDF; pipeline/build makes many, incrementally, in workers;"
	@echo "pipeline/personalize makes a copy per office; pipeline/pdf works on finished PDFs. tests/ mirrors it."
	@echo "pipeline/layouts/base is the base layout every project extends (a project's layouts/base/ overrides"
	@echo "its files); pipeline/skeletons is what \`press new\` writes."
