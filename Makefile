# Two commands a fresh machine needs: `make demo` and `make test`.
# Both create .venv and install pinned requirements first (stamp-guarded).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: demo test lint bench bench-ingest clean browser

$(STAMP): requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot demo

# The setup page's test clicks through it in a real Chromium (Debian's, with its driver).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		$(APT) install -y -q --no-install-recommends chromium chromium-driver || \
		{ $(APT) update -q && $(APT) install -y -q --no-install-recommends chromium chromium-driver; }

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/mypy bot workers app.py gunicorn.conf.py tests bench
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# The web tier against Probot 14 and bare Flask (needs wrk, node and npm): bench/README.md.
bench-ingest: $(STAMP)
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) .planbot plans .pytest_cache .mypy_cache .ruff_cache
