# The two Quickstart commands (`make demo`, `make test`) set up everything they need.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# pip resolves nothing itself: every version comes from constraints.txt (see `make lock`)
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt

.PHONY: demo test lint airflow lock clean

demo: $(VENV)/.installed-core
	$(BIN)/storywatch demo

test: $(VENV)/.installed-all
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-all
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Airflow standalone on this checkout's DAG folder; its UI is on http://localhost:8080
airflow: $(VENV)/.installed-all
	# standalone starts its components as `airflow ...`, so the venv must come first on PATH
	PATH=$(CURDIR)/$(BIN):$$PATH AIRFLOW_HOME=$(CURDIR)/var/airflow \
	AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags AIRFLOW__CORE__LOAD_EXAMPLES=False \
	STORYWATCH_CONFIG=$(CURDIR)/storywatch.toml \
	sh -c 'airflow db migrate >/dev/null && \
	       airflow pools set storywatch_duckdb 1 "DuckDB writers" >/dev/null && \
	       exec airflow standalone'

# Re-resolve every dependency (after editing pyproject.toml) into constraints.txt
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra airflow --extra dev \
		--python-version 3.11 --quiet --output-file constraints.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	# older pips misread the extras that trafilatura's lxml asks for
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24.1"

$(VENV)/.installed-core: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --editable .
	touch $@

$(VENV)/.installed-all: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --editable '.[airflow,dev]'
	touch $@ $(VENV)/.installed-core

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
