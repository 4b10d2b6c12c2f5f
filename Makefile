# customer_segments: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONPATH := $(CURDIR)/src

PERSONS ?= 2000
SEED ?= 42
RAW_DATA_DIR ?= data/raw
DUCKDB_PATH ?= warehouse/segments.duckdb
export RAW_DATA_DIR DUCKDB_PATH

# The test suite runs on a small deterministic fixture in its own warehouse.
FIXTURE_DIR := data/fixture
FIXTURE_DB := warehouse/fixture.duckdb
FIXTURE_PERSONS := 300
FIXTURE_SEED := 7

DBT := $(BIN)/dbt

.PHONY: help install run data build validate summary test lint fixture fixture-build export-audiences \
        pytest clean bench backfill docs quality-report test-spark test-spark-if-java

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(BIN)/dbt: requirements.txt pyproject.toml
	@echo "==> creating $(VENV) with the pinned dependencies"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | { grep -v "is ignored: it is neither" || true; }
	@$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | { grep -vE "is ignored: it is neither|Warning|^ *$$" || true; }
	@touch $(BIN)/dbt

install: $(BIN)/dbt  ## create .venv with the pinned dependencies

data: install  ## generate the demo raw data unless RAW_DATA_DIR already holds some
	@if [ -n "$$(find $(RAW_DATA_DIR) -type f \( -name '*.csv' -o -name '*.parquet' \) 2>/dev/null | head -1)" ]; then \
	  echo "==> raw data found in $(RAW_DATA_DIR)"; \
	else \
	  echo "==> generating demo data for $(PERSONS) persons into $(RAW_DATA_DIR)"; \
	  $(BIN)/python -m bank_segments.generate --persons $(PERSONS) --seed $(SEED) --out $(RAW_DATA_DIR) --format parquet; \
	fi

build: install  ## dbt build on DuckDB (seeds, models, data tests)
	@mkdir -p $(dir $(DUCKDB_PATH))
	@echo "==> dbt build ($(DUCKDB_PATH))"
	@# Unit tests check the SQL logic on mocked rows, not the data: make test runs them.
	@$(DBT) build --exclude-resource-type unit_test $(DBT_ARGS)

validate: install  ## Great Expectations on the raw landings and the public marts, Data Docs
	@echo "==> validating the raw landings and the marts with Great Expectations"
	@# results: reports/gx/validation.json; Data Docs: gx/uncommitted/data_docs/local_site/index.html
	@$(BIN)/python -m bank_segments.validate --database $(DUCKDB_PATH)

quality-report: install  ## failing dbt tests with their stored rows, quarantine, GX failures (after a build)
	@$(BIN)/python -m bank_segments.quality_report --target-path target --database $(DUCKDB_PATH)

freshness: install  ## wall-clock source freshness of live landings (dbt source freshness)
	@$(DBT) source freshness

summary: install
	@$(BIN)/python -m bank_segments.summary --database $(DUCKDB_PATH)

run: install data build validate export export-audiences summary  ## install, demo data, build, validate, export, summary

lint: install  ## ruff and sqlfluff
	@echo "==> ruff"
	@$(BIN)/ruff check src tests dashboard scripts
	@$(BIN)/ruff format --check src tests dashboard scripts
	@echo "==> sqlfluff"
	@mkdir -p warehouse
	@DUCKDB_PATH=warehouse/lint.duckdb $(BIN)/sqlfluff lint models macros tests analyses --disable-progress-bar --processes 2

fixture: install  ## the deterministic test fixture (raw files)
	@rm -rf $(FIXTURE_DIR)
	@$(BIN)/python -m bank_segments.generate --persons $(FIXTURE_PERSONS) --seed $(FIXTURE_SEED) \
	  --out $(FIXTURE_DIR) --format csv --quiet

fixture-build: fixture  ## dbt build on the fixture
	@rm -f $(FIXTURE_DB) $(FIXTURE_DB).wal
	@mkdir -p warehouse
	@echo "==> dbt build on the fixture"
	@RAW_DATA_DIR=$(FIXTURE_DIR) DUCKDB_PATH=$(FIXTURE_DB) $(DBT) build
	@echo "==> Great Expectations on the fixture marts"
	@$(BIN)/python -m bank_segments.validate --database $(FIXTURE_DB) --report-dir reports/gx_fixture \
	  --data-docs-dir gx/uncommitted/fixture

pytest: install
	@echo "==> pytest"
	@# --maxschedchunk 1: two tests per worker to start with, then one at a time, so
	@# that the long_running tests (collected first) go to both workers
	@FIXTURE_DB=$(FIXTURE_DB) FIXTURE_DIR=$(FIXTURE_DIR) $(BIN)/pytest -q -n 2 --maxschedchunk 1 \
	  --durations=10 tests/python

browser:  ## Debian's Chromium for the dashboard screenshot test (no-op when present)
	@bash scripts/install_chromium.sh

test: install browser lint fixture-build pytest test-spark-if-java  ## the whole suite: lint, dbt tests on the fixture, GX, pytest, Spark

# --- Spark: the fixture built through dbt-spark (local session) ------------------
# Both engines build the fixture with the CLV Python models skipped
# (clv_sql_fallback), so that the SQL logic is compared like for like; the
# comparison reads every mart of both builds and wants them equal row for row.
SPARK_WAREHOUSE_DIR ?= warehouse/spark
SPARK_COMPARE_DB := warehouse/spark_compare.duckdb
SPARK_VARS := {clv_sql_fallback: true}
export SPARK_WAREHOUSE_DIR

test-spark: install  ## the fixture on Spark (dbt build) and the marts equal to DuckDB's, row for row
	@test -n "$$(find $(FIXTURE_DIR) -name '*.csv' 2>/dev/null | head -1)" || $(MAKE) --no-print-directory fixture
	@rm -rf $(SPARK_WAREHOUSE_DIR) $(SPARK_COMPARE_DB) $(SPARK_COMPARE_DB).wal
	@mkdir -p warehouse logs_spark
	@echo "==> DuckDB build of the fixture for the comparison (clv_sql_fallback)"
	@RAW_DATA_DIR=$(FIXTURE_DIR) DUCKDB_PATH=$(SPARK_COMPARE_DB) $(DBT) build --quiet \
	  --resource-type seed --resource-type model --vars '$(SPARK_VARS)' \
	  --target-path target_spark_duckdb --log-path logs_spark_duckdb
	@echo "==> dbt build of the fixture on Spark (local session, $(SPARK_WAREHOUSE_DIR))"
	@# Unit tests stay on DuckDB: see README, "Running on Spark".
	@RAW_DATA_DIR=$(FIXTURE_DIR) $(DBT) build --target spark --exclude-resource-type unit_test \
	  --vars '$(SPARK_VARS)' --target-path target_spark --log-path logs_spark 2>logs_spark/spark.stderr \
	  || { tail -50 logs_spark/spark.stderr; exit 1; }
	@echo "==> the marts on Spark against the marts on DuckDB"
	@$(BIN)/python -m bank_segments.compare_engines --duckdb $(SPARK_COMPARE_DB) \
	  --spark-warehouse $(SPARK_WAREHOUSE_DIR) 2>>logs_spark/spark.stderr

test-spark-if-java:
	@if command -v java >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory test-spark; \
	else \
	  echo "==> java not found: the Spark comparison (make test-spark) is skipped"; \
	fi

EXPORT_DIR ?= exports
DASHBOARD_PORT ?= 8501

export: install  ## publish the marts for BI: $(EXPORT_DIR)/marts/*.parquet and $(EXPORT_DIR)/segments_marts.duckdb
	@echo "==> exporting the marts to $(EXPORT_DIR)"
	@$(BIN)/python -m bank_segments.export_marts --database $(DUCKDB_PATH) --out $(EXPORT_DIR)

dashboard: install  ## the segments dashboard on http://localhost:8501 (reads exports/marts)
	@test -f $(EXPORT_DIR)/marts/_manifest.json || $(MAKE) --no-print-directory export
	@echo "==> dashboard on http://localhost:$(DASHBOARD_PORT) (Ctrl-C to stop)"
	@MARTS_EXPORT_DIR=$(EXPORT_DIR)/marts $(BIN)/streamlit run dashboard/app.py --server.headless=true \
	  --server.address=127.0.0.1 --server.port=$(DASHBOARD_PORT) --browser.gatherUsageStats=false \
	  --client.toolbarMode=minimal

docs: install  ## build and serve the dbt docs site
	@$(DBT) docs generate && $(DBT) docs serve --port 8080 --no-browser

clean:  ## remove build outputs (not the venv)
	rm -rf target logs warehouse exports reports target_spark target_spark_duckdb logs_spark logs_spark_duckdb

# --- segments: backfill and audience exports ---------------------------------
# `make backfill FROM=2025-01-01 TO=2025-03-31 STEP=day|month` replays the
# segment history over a date range (inputs per date, segments in one pass);
# `make export-audiences` writes exports/audiences/<segment_id>/<as_of_date>.parquet.
FROM ?=
TO ?=
STEP ?= day

backfill: install  ## replay segment membership: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD STEP=day|month
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD [STEP=day|month]"; exit 2; }
	@$(BIN)/python -m bank_segments.backfill --from $(FROM) --to $(TO) --step $(STEP)
	@$(BIN)/python -m bank_segments.export_audiences --database $(DUCKDB_PATH)

export-audiences: install  ## write the audience exports (Parquet) of the last run
	@$(BIN)/python -m bank_segments.export_audiences --database $(DUCKDB_PATH)

# --- benchmark ---------------------------------------------------------------
# `make bench`: full build, tests, an incremental day and the bare-engine floor at
# each size, medians of BENCH_REPEATS runs (one count, or one per size); figures in
# docs/benchmarks.md. BENCH_DAYS daily batches end the generated window; the last one
# is the incremental day. BENCH_REUSE: sizes (of BENCH_SIZES) taken from an earlier run's
# target_bench/<persons>/size_result.json instead of measured again. BENCH_SKIP: steps
# left out at the measured sizes (tests, incremental); the full build and floor always run.
# BENCH_TEST_THREADS: dbt threads of the tests step (the builds keep DBT_THREADS).
BENCH_SIZES ?= 100000 1000000
BENCH_REPEATS ?= 3
BENCH_DAYS ?= 2
BENCH_REUSE ?=
BENCH_SKIP ?=
BENCH_TEST_THREADS ?= 1

bench: install  ## benchmark at BENCH_SIZES persons (data/bench, warehouse/bench, target_bench)
	@$(BIN)/python -m bank_segments.benchmark --sizes $(BENCH_SIZES) --repeats $(BENCH_REPEATS) \
	  --days $(BENCH_DAYS) --test-threads $(BENCH_TEST_THREADS) $(if $(strip $(BENCH_REUSE)),--reuse $(BENCH_REUSE)) \
	  $(if $(strip $(BENCH_SKIP)),--skip $(BENCH_SKIP))
