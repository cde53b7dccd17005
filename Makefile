# asn-kinerja: run `make help` for the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# every city with a parameters file (asn-kinerja new-city adds one)
CITIES := $(basename $(notdir $(wildcard notebooks/params/*.yaml)))
# Two cores: one BLAS thread per process keeps parallel kernels from fighting.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.DEFAULT_GOAL := help
.PHONY: help install demo-data validate reports test test-fast lint lab bench clean i18n docs

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv with pip and install the project (done by every target that needs it)

demo-data: $(STAMP) ## Generate the demo data for the four seed cities (skipped when present)
	$(BIN)/asn-kinerja demo-data --if-missing

validate: demo-data ## Validate every city's data in data/raw/
	@set -e; for c in $(CITIES); do $(BIN)/asn-kinerja validate data/raw/$$c; done

reports: demo-data ## Build every city's report on the demo data: reports/index.html (+ reports/<city>/)
	$(BIN)/asn-kinerja report --all

test: $(STAMP) ## Lint, check the format and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

test-fast: $(STAMP) ## Run the unit tier only (no demo data, no kernels; under a minute)
	$(BIN)/pytest -m unit -q

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lab: $(STAMP) ## Open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## Run the speed and memory benchmarks
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean: ## Remove generated reports and caches (keeps .venv and data)
	rm -rf reports/* .pytest_cache .ruff_cache

i18n: $(STAMP) ## Extract the Indonesian text, update the English catalogue (changed entries become fuzzy), check it
	$(BIN)/jupytext --quiet --sync notebooks/*.ipynb
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-by-file --omit-header -w 110 \
		-o src/analysis/report/locale/asn_kinerja.pot . 2>/dev/null
	$(BIN)/pybabel update -i src/analysis/report/locale/asn_kinerja.pot -d src/analysis/report/locale \
		-D asn_kinerja -l en -w 110 --omit-header --ignore-obsolete
	$(BIN)/python -c "from analysis.report.i18n import catalogue_problems as p; import sys; \
		e = p(); print('\n'.join(e) or 'catalogue complete'); sys.exit(bool(e))"

docs: $(STAMP) ## Build the documentation site into site/ (strict: a warning or broken reference fails)
	$(BIN)/mkdocs build --strict --quiet
