# The workbench's commands. A bare `make` lists them.
# The environment is a virtualenv in .venv built from the pinned requirements.txt; it is rebuilt
# whenever requirements.txt changes (its stamp file is older than the pins).

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := commissioning-workbench

# Values a user passes (make new-wave NAME=..., BUILD_ARGS=..., ...) reach the programs only through the
# environment, never through the text of a recipe: each is kept unexpanded (so make runs no `$(shell ...)`
# in it), exported, and read by the program as "$$NAME" or split into words by helpers.launch, which runs
# nothing in them. A `;`, a backtick or `$(...)` in a value is passed on as those characters.
USER_VALUES := NAME FROM BUILD_ARGS LAB_ARGS PYTEST_ARGS
$(foreach v,$(USER_VALUES),$(eval override $(v) := $$(value $(v))))
export $(USER_VALUES)
# Values with a default: the same, once the default is set.
ifeq ($(origin JOBS),undefined)
JOBS := $(shell nproc 2>/dev/null || echo 2)
else
override JOBS := $(value JOBS)
endif
ifeq ($(origin PYTHON),undefined)
PYTHON := python3
else
override PYTHON := $(value PYTHON)
endif
export JOBS PYTHON
LAUNCH := $(BIN)/python -m helpers.launch

.DEFAULT_GOAL := help
.PHONY: help env reports lint format test notebooks lab bench lock clean clean-env new-wave clean-wave new-notebook

help: ## List the targets with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt pyproject.toml
	@echo "Building $(VENV) from requirements.txt (a minute or two, once)"
	@rm -rf $(VENV)
	@"$$PYTHON" -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check -r requirements.txt
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps -e .
	@$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (commissioning workbench)" >/dev/null
	@touch $(STAMP)

env: $(STAMP) ## Create or refresh .venv and its Jupyter kernel

reports: $(STAMP) ## Regenerate every report under reports/ from data/raw/ (only what changed)
	@$(LAUNCH) BUILD_ARGS helpers.build

NBVAL := --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg
READER := notebooks/05_research_report.ipynb

LINTED := src tests benchmarks notebooks

lint: $(STAMP) ## Check formatting (ruff format), lint (ruff check) and the layers' import contracts
	@$(BIN)/ruff format --check --quiet $(LINTED) || { echo "ruff format would change the files above: run 'make format'"; exit 1; }
	@$(BIN)/ruff check --quiet $(LINTED)
	@$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache

format: $(STAMP) ## Format and fix what ruff can (imports, style) in place
	@$(BIN)/ruff format --quiet $(LINTED) && $(BIN)/ruff check --fix --quiet $(LINTED)

test: $(STAMP) lint ## Run the whole suite: lint, unit and integration tests, then nbval on the committed notebooks
	@# The notebook template has no stored outputs; tests/integration/test_new_notebook.py runs a copy of it.
	@$(LAUNCH) PYTEST_ARGS pytest -n "$$JOBS" --dist loadscope $(NBVAL) --ignore=$(READER) --ignore=notebooks/templates --ignore=notebooks/07_wave_comparison.ipynb
	@# The research report reads what notebooks 01-04 wrote above with their defaults: it goes last.
	@$(BIN)/python -m pytest $(NBVAL) $(READER)

notebooks: $(STAMP) ## Re-run the notebooks in place with their default parameters (refreshes what nbval compares)
	@$(BIN)/python -m helpers.build --refresh-notebooks

# JupyterLab refuses to run as root unless told to (containers and CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

# jupyter/jupyter_server_config.json offers the workbench's kernel only: a notebook never runs outside .venv unnoticed.
lab: $(STAMP) ## Open JupyterLab on the workbench kernel, for editing notebooks (more options: LAB_ARGS="--port 8889")
	@$(LAUNCH) LAB_ARGS jupyterlab --notebook-dir=notebooks "--config=$(CURDIR)/jupyter/jupyter_server_config.json" $(ROOT_FLAG)

new-wave: $(STAMP) ## Start a new survey wave: make new-wave NAME=localis_2013 (copies the template, lists what to fill in)
	@test -n "$$NAME" || { echo "usage: make new-wave NAME=<folder name, e.g. localis_2013> [FROM=localis_2011]"; exit 2; }
	@if test -n "$$FROM"; then set -- --from "$$FROM"; else set --; fi; $(BIN)/python -m helpers.survey.new_wave "$$@" -- "$$NAME"

clean-wave: $(STAMP) ## Remove a survey wave that no job in reports.yaml reads: make clean-wave NAME=localis_2013
	@test -n "$$NAME" || { echo "usage: make clean-wave NAME=<folder under data/raw/surveys, e.g. localis_2013>"; exit 2; }
	@$(BIN)/python -m helpers.survey.clean_wave "$$NAME"

.PHONY: import-wave check-wave
import-wave: $(STAMP) ## Draft a wave from an agency's or survey tool's file: make import-wave NAME=localis_2013 FROM=wave.sav
	@test -n "$$NAME" && test -n "$$FROM" || { echo "usage: make import-wave NAME=<new folder, e.g. localis_2013> FROM=<.sav, .zsav, .por, .dta, .csv or .xlsx file>"; exit 2; }
	@$(BIN)/python -m helpers.survey.import_wave -- "$$NAME" "$$FROM"

check-wave: $(STAMP) ## Check a survey wave's folder and list every problem: make check-wave NAME=localis_2013
	@test -n "$$NAME" || { echo "usage: make check-wave NAME=<folder under data/raw/surveys, e.g. localis_2013>"; exit 2; }
	@$(BIN)/python -m helpers.survey.check -- "$$NAME"

new-notebook: $(STAMP) ## Start an analysis notebook from the template: make new-notebook NAME=07_council_size
	@test -n "$$NAME" || { echo "usage: make new-notebook NAME=<file name without .ipynb, e.g. 07_council_size>"; exit 2; }
	@$(BIN)/python -m helpers.new_notebook -- "$$NAME"

bench: $(STAMP) ## Run the benchmark scripts and print their figures
	@$(BIN)/python benchmarks/run_all.py

lock: ## Re-pin requirements.txt from requirements.in (needs the package registry)
	@rm -rf .lock-venv && "$$PYTHON" -m venv .lock-venv
	@.lock-venv/bin/python -m pip install --quiet -r requirements.in
	@{ head -2 requirements.txt; .lock-venv/bin/python -m pip freeze --exclude-editable; } > requirements.lock.tmp
	@mv requirements.lock.tmp requirements.txt && rm -rf .lock-venv
	@echo "requirements.txt re-pinned; update environment.yml to match (make test checks it)"

clean: ## Remove everything generated (data/processed, reports); keeps .venv (see clean-env)
	rm -rf data/processed/* reports/*

clean-env: ## Remove .venv as well (the next make rebuilds it from requirements.txt)
	rm -rf $(VENV)
