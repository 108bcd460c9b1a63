# Two commands on a fresh machine: `make run` and `make test`. Both create .venv and install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
BENCH_SIZE ?= large
PYTEST_ARGS ?=

.PHONY: run test lint bench load clean translations catalogues

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	@if [ -d web/translations ]; then $(BIN)/pybabel compile -d web/translations --statistics; fi

run: $(STAMP) translations
	$(BIN)/tracker init
	$(BIN)/tracker demo
	$(BIN)/tracker serve --host $(HOST) --port $(PORT)

test: $(STAMP) translations
	$(BIN)/pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check tracker projections web tests bench
	$(BIN)/mypy tracker projections web

bench: $(STAMP)
	$(BIN)/python -m bench --size $(BENCH_SIZE)

clean:
	rm -rf $(VENV) instance test-output .pytest_cache

# Re-extract the UI strings and update both catalogues (then translate the new Chinese ones).
catalogues: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-fuzzy-matching
	$(BIN)/python -m web.i18ntool web/translations/en/LC_MESSAGES/messages.po

# Full-size load test on loopback (100 clients × 60 s), SQLite then a PostgreSQL deployment.
load: $(STAMP)
	$(BIN)/python -m bench.loadtest --clients 100 --seconds 60 --store sqlite
	$(BIN)/python -m bench.loadtest --clients 100 --seconds 60 --store postgres
