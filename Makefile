# Essaim: `make run` installs and starts the app on SQLite with the demo; `make test` installs and
# runs every test. Everything installs into .venv (torch first: the CPU build, see README).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install demo run serve worker test test-postgres browser lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first, pinned: the CPU build; letting sentence-transformers pick pulls multi-GB CUDA.
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $@

# The database with the demo, its vectors (shipped in data/demo/) and its suggestions.
demo: install
	$(FLASK) init-db
	$(FLASK) demo
	$(FLASK) run-jobs

# Web (gunicorn, several processes) and one job worker together, as in production.
run: demo
	VENV_BIN=$(abspath $(BIN)) HOST=$(HOST) ESSAIM_PORT=$(PORT) $(BIN)/honcho start -f Procfile

serve: install
	VENV_BIN=$(abspath $(BIN)) HOST=$(HOST) ESSAIM_PORT=$(PORT) $(BIN)/honcho start -f Procfile web

worker: install
	$(FLASK) worker

# Debian's chromium for the browser tests (Playwright drives it; no browser is downloaded).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: install browser
	HF_HUB_OFFLINE=1 $(BIN)/pytest

test-postgres: install browser
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} HF_HUB_OFFLINE=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check app matching models scripts tests

clean:
	rm -rf $(VENV) instance
