# Every target works on a fresh clone: it creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The database `make test-postgres` runs the suite against (each worker makes its own beside it).
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# pytest rewrites the asserts of every plugin's package (schemathesis, hypothesis, faker, ...:
# ~380 modules) and caches the result beside their bytecode, unless this variable forbids
# writing bytecode: then every pytest process, and every xdist worker, re-parses them all
# (measured: 2.5 s of CPU per process on this 2-core machine). Machines that set it get it back.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install test test-postgres test-durations merge-shards docs docs-html-deps steps \
	gherkin-lint lint migrate serve clean stress load bench mutation

# The living-documentation plugin (livingdoc/, its own distribution) is installed editable beside
# the service: its entry point loads it into every pytest run.
$(STAMP): pyproject.toml livingdoc/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./livingdoc -e '.[test]'
	touch $(STAMP)

# The Gherkin lint (gplint, from the npm registry: package.json, package-lock.json, .gplintrc),
# run by tests/unit/test_gherkin_lint.py. Needs Node.js and npm.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Cucumber's official HTML report (@cucumber/html-formatter, from the npm registry, pinned by
# livingdoc/html-formatter/package-lock.json): `make docs` renders reports/cucumber-report.html
# with it, and the plugin's browser test (livingdoc/tests/test_official_report.py) opens one.
HTML_FORMATTER := livingdoc/html-formatter
HTML_STAMP := $(HTML_FORMATTER)/node_modules/.installed
$(HTML_STAMP): $(HTML_FORMATTER)/package.json $(HTML_FORMATTER)/package-lock.json
	npm ci --prefix $(HTML_FORMATTER) --no-audit --no-fund --loglevel=error
	touch $(HTML_STAMP)

docs-html-deps: $(HTML_STAMP)

install: $(STAMP) $(NODE_STAMP) $(HTML_STAMP)

# `make test SHARD=k/N` runs the k-th of N parts of the suite (pytest-split, by the durations
# .test_durations records; `make test-durations` records them again) and writes that part's
# living documentation, JUnit XML and coverage data into reports/shards/k/, which
# `make merge-shards` turns into one run's. All N shards must split one collection in one order:
# pytest-randomly's seed is the commit's unless SHARD_SEED says otherwise. Coverage is judged on
# the merged data only (a part covers part of the code).
SHARD ?=
SHARD_SEED ?= $(shell printf '%d' 0x$$(git rev-parse --short=7 HEAD 2>/dev/null || echo 0))
SHARDS_DIR := reports/shards
ifneq ($(SHARD),)
SHARD_GROUP := $(word 1,$(subst /, ,$(SHARD)))
SHARD_DIR := $(SHARDS_DIR)/$(SHARD_GROUP)
SHARD_ENV := COVERAGE_FILE=$(SHARD_DIR)/.coverage
SHARD_ARGS := --splits $(word 2,$(subst /, ,$(SHARD))) --group $(SHARD_GROUP) \
	--splitting-algorithm least_duration --durations-path .test_durations \
	--randomly-seed=$(SHARD_SEED) --cov-fail-under=0 \
	--living-docs=$(SHARD_DIR) --junitxml=$(SHARD_DIR)/junit.xml
endif

test: $(STAMP) $(NODE_STAMP) $(HTML_STAMP)
	$(if $(SHARD),mkdir -p $(SHARD_DIR) && rm -f $(SHARD_DIR)/.coverage &&) \
	$(SHARD_ENV) $(BIN)/python -m pytest --cov --cov-report=term $(SHARD_ARGS) $(PYTEST_ARGS)

test-postgres: $(STAMP) $(NODE_STAMP) $(HTML_STAMP)
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

# How long each test takes, for `make test SHARD=k/N` to split by: the whole suite in one
# process, its durations written to .test_durations (kept in the repository).
test-durations: $(STAMP) $(NODE_STAMP) $(HTML_STAMP)
	$(BIN)/python -m pytest -p no:randomly --store-durations --clean-durations \
		--durations-path .test_durations $(PYTEST_ARGS)

# The shards' outputs (reports/shards/*/, from `make test SHARD=k/N`, or CI's artifacts) merged
# into one run's in MERGED (reports/ by default): living-docs/index.html, cucumber.json,
# messages.ndjson, junit.xml, Cucumber's official report, and the coverage of all the shards,
# judged against the floor.
# Fails, after writing everything, when a scenario failed, a shard is missing or disagrees, or
# coverage is under the floor.
MERGED ?= reports
merge-shards: $(STAMP) $(HTML_STAMP)
	status=0; $(BIN)/python -m pytest_bdd_livingdoc.merge_runs $(SHARDS_DIR)/*/ --out $(MERGED) \
		|| status=$$?; \
	if [ -f $(MERGED)/messages.ndjson ]; then \
		node $(HTML_FORMATTER)/render.mjs $(MERGED)/messages.ndjson $(MERGED)/cucumber-report.html; \
	fi; \
	$(BIN)/coverage combine --keep --data-file=$(MERGED)/.coverage $(SHARDS_DIR)/*/.coverage \
		&& $(BIN)/coverage report --data-file=$(MERGED)/.coverage || status=1; \
	exit $$status

# The living documentation of the acceptance suite: reports/living-docs/index.html (the page),
# reports/cucumber.json, reports/messages.ndjson (Cucumber Messages), reports/junit.xml (cases
# named "Feature: Scenario"), reports/cucumber-report.html (Cucumber's official report of the
# messages) and reports/livingdoc-record.json (the plugin's record, what merge_runs merges). A failing scenario, an error outside the scenarios or a feature file no test binds
# is shown on the page, and then this target fails too, after writing everything. One process:
# on two cores, xdist workers spend on start-up what they save (measured: 14.6 s CPU alone,
# 26.9 s with -n 2). DOCS_WORKERS=2 to run in parallel.
DOCS_WORKERS ?= 0
docs: $(STAMP) $(HTML_STAMP)
	status=0; $(BIN)/python -m pytest step_defs -n $(DOCS_WORKERS) --living-docs=reports \
		--junitxml=reports/junit.xml $(PYTEST_ARGS) || status=$$?; \
	if [ -f reports/messages.ndjson ]; then \
		node $(HTML_FORMATTER)/render.mjs reports/messages.ndjson reports/cucumber-report.html; \
	fi; \
	exit $$status

# The step catalogue: every wording the step definitions allow, with a real example from the
# features and where it is used, generated from step_defs/ (pytest-bdd-livingdoc's
# --step-catalogue). The living documentation has it as a section too.
steps: $(STAMP)
	@$(BIN)/python -m pytest --step-catalogue -qq -p no:randomly

# The Gherkin lint alone (the suite runs it too): gplint with .gplintrc over features/.
gherkin-lint: $(NODE_STAMP)
	node_modules/.bin/gplint -c .gplintrc features/

# The whole suite 20 times in random orders, then once under -n auto; prints how many runs
# failed and their seeds (tools/scripts/stress.py). STRESS_ARGS="--runs 5" for a shorter round.
STRESS_ARGS ?=
stress: $(STAMP)
	$(BIN)/python tools/scripts/stress.py $(STRESS_ARGS)

# The load test (tools/loadtests/run.py): the app under uvicorn over a fresh migrated and seeded
# database, the fake catalog, locust headless, then the item listing against the same listing
# written the plain way (tools/loadtests/plain_app.py); figures and reports in reports/load/.
# LOAD_DATABASE_URL=postgresql+psycopg://... runs it on a throwaway PostgreSQL database
# made beside that one; by default, a SQLite file in a temporary directory.
# LOAD_WORKERS=2 serves both with two uvicorn workers; LOAD_REDIS_URL=redis://... keeps the
# login throttle there (under a key prefix of its own, deleted afterwards).
USERS ?= 50
DURATION ?= 30s
LOAD_DATABASE_URL ?=
LOAD_WORKERS ?= 1
LOAD_REDIS_URL ?=
LOAD_STAMP := $(VENV)/.installed-load
$(LOAD_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,load]'
	touch $(LOAD_STAMP)

load: $(LOAD_STAMP)
	LOAD_DATABASE_URL='$(LOAD_DATABASE_URL)' LOAD_WORKERS='$(LOAD_WORKERS)' \
		LOAD_REDIS_URL='$(LOAD_REDIS_URL)' $(BIN)/python tools/loadtests/run.py \
		--users $(USERS) --duration $(DURATION)

# Every benchmark figure in one command (~25 min on the 2-core CI machine when idle, mostly the
# 5,000-scenario suites; docs/performance.md says how to run each part alone):
# - tools/benchmarks/targets.py: issue 16's targets (start-up, per scenario against its floor,
#   whole runs, growth to 200/1,000/5,000 scenarios), this checkout against BASELINE (today's
#   design, 0e23f22), side by side with the target and met/missed. TARGETS_ARGS=--whole-suite
#   adds the whole suite (minutes); TEST_DATABASE_URL=... the PostgreSQL / SQLite ratios;
# - tools/benchmarks/suite_speed.py: the acceptance suite against the seed article's recipe;
# - tools/benchmarks/big_document.py: the living documentation of 10,000 synthetic scenarios
#   (writing time, page size, search and tag filter in Chromium), beside the plugin before the
#   big-document work (commit 8d73215).
BASELINE ?= 0e23f22
TARGETS_ARGS ?=
BENCH_ARGS ?=
BIG_DOCUMENT_ARGS ?= --scenarios 10000 --baseline 8d73215
bench: $(STAMP)
	$(BIN)/python tools/benchmarks/targets.py --baseline $(BASELINE) $(TARGETS_ARGS)
	$(BIN)/python tools/benchmarks/suite_speed.py $(BENCH_ARGS)
	$(BIN)/python tools/benchmarks/big_document.py $(BIG_DOCUMENT_ARGS)

# Mutation testing of app/ with mutmut 3 ([tool.mutmut] in pyproject.toml, two mutants at a
# time): prints killed / survived / timeout / no tests / skipped and the score, writes
# reports/mutation/ (summary, survivors' diffs) and fails under 90%. Starts from nothing each
# time; MUTATION_ARGS=--incremental reuses mutmut's cache (mutants/) and re-tries the survivors.
MUTATION_ARGS ?=
MUTATION_STAMP := $(VENV)/.installed-mutation
$(MUTATION_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

mutation: $(MUTATION_STAMP)
	$(BIN)/python tools/scripts/mutation_report.py $(MUTATION_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Applies the migrations to DATABASE_URL (SQLite app.db by default).
migrate: $(STAMP)
	$(BIN)/alembic upgrade head

serve: migrate
	$(BIN)/python -m app.demo
	$(BIN)/uvicorn app.main:app --host 127.0.0.1 --port 8000 --no-server-header

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .coverage* htmlcov reports \
		mutants $(HTML_FORMATTER)/node_modules
