# ecomlib — every target that needs the virtualenv builds it first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

# One BLAS thread per process: the tests run two workers on two cores, and scipy's optimisers
# slow down several-fold when OpenBLAS starts more threads than there are free cores.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: classroom setup lab reports reports-real test lint data bench docs lock clean help

# plain `make`: everything a classroom needs (reports, JupyterLab, tests), then the targets
classroom: setup help

help:
	@echo "make reports   build the virtualenv and run every chapter report on the sample shop"
	@echo "make reports-real   the same on the bundled real UCI Online Retail export (reports-real/)"
	@echo "make test      build the virtualenv and run all tests, notebooks included"
	@echo "make docs      build the offline course site into build/docs/html (open index.html)"
	@echo "make setup | lab | lint | data | bench | lock | clean"

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ecomlib needs Python >= 3.11; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[lab,dev]"
	touch $(STAMP)

setup: $(STAMP)

# students work on copies in my_notebooks/ (git-ignored): copied once, never overwritten
lab: $(STAMP)
	$(BIN)/ecomlib notebooks my_notebooks
	$(BIN)/jupyter lab my_notebooks/

reports: $(STAMP)
	$(BIN)/ecomlib report all --out reports

reports-real: $(STAMP)
	$(BIN)/ecomlib report all --data online_retail --out reports-real --jobs 2

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

data: $(STAMP)
	$(BIN)/ecomlib data sample --out ecomlib/data_files/sample

# every benchmark runs even when one fails; a summary table (ratios to anchors) at the end
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

# The course site: every chapter notebook executed on the sample shop, the API reference and the
# guides. -E: a fresh build, so outputs follow the code; -W: warnings are errors (as in tests/docs);
# docs/conf.py's last step checks that the site loads nothing from the network.
DOCS_OUT ?= build/docs
SPHINXOPTS ?= -j auto
docs: $(STAMP)
	$(BIN)/python -m sphinx -E -W --keep-going -b html -d $(DOCS_OUT)/doctrees $(SPHINXOPTS) docs $(DOCS_OUT)/html
	@echo "the course site: $(DOCS_OUT)/html/index.html"

# Re-pin requirements/constraints.txt: the newest versions pyproject.toml allows, resolved by pip
# in a fresh virtualenv (needs the package index), frozen and sorted. Review the diff, run
# `make test`, commit both.
LOCK_VENV := .lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet ".[lab,dev]"
	$(LOCK_VENV)/bin/python -m pip freeze --all --exclude pip --exclude ecomlib \
	  | $(LOCK_VENV)/bin/python -c "import sys; sys.stdout.writelines(sorted(sys.stdin, key=lambda l: l.split('==')[0].lower()))" \
	  > requirements/constraints.txt
	rm -rf $(LOCK_VENV)
	@echo "requirements/constraints.txt re-pinned; review with git diff"

clean:
	rm -rf $(VENV) $(LOCK_VENV) reports reports-real .pytest_cache .ruff_cache .hypothesis benchmarks/output build dist docs/chapters/*.ipynb
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
