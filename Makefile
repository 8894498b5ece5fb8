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
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-all
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Airflow standalone (UI on http://localhost:8080) running this checkout's DAGs, unpaused, on
# the demo site, which publishes one more article every DEMO_EVERY seconds; the alert emails
# land in var/mail/. Ctrl-C stops all of it.
DEMO_EVERY ?= 180
airflow: $(VENV)/.installed-all
	$(BIN)/python -m storywatch_airflow.standalone --home var/airflow --port 8080 \
		--config var/airflow-demo.toml --demo-every $(DEMO_EVERY)

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
