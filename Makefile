# Deelwijzer — every task the README names. `make run` and `make test` work on a fresh machine.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
CLI     := $(VENV)/bin/deelwijzer
SHARED  ?= ../shared
CORPUS  ?=
export HF_HUB_OFFLINE ?= 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install system-deps run ingest serve test test-fast lint typecheck bench bench-ingest eval stress screenshots clean

install: $(VENV)/.installed system-deps

# torch first, pinned: pip takes the CPU wheel from local disk instead of a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,eval]'
	touch $@

# Chromium (browser tests, screenshots) and DejaVu fonts (PDF decision records) come from Debian.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "Please install the Debian packages 'chromium' and 'fonts-dejavu-core' (needs root)."; fi; \
	fi

# Build the knowledge base (official sources, or CORPUS=DIR offline), then serve the web app. The build goes
# into service without vectors (BM25, rules and citations answer at once); `serve` embeds it in the background.
run: install
	$(CLI) ingest --dense-later $(if $(CORPUS),--from $(CORPUS))
	$(CLI) serve

ingest: install
	$(CLI) ingest $(if $(CORPUS),--from $(CORPUS))

serve: install
	$(CLI) serve

test: install
	DEELWIJZER_CORPUS_DIR=$(SHARED)/corpus $(VENV)/bin/pytest -q

test-fast: install
	DEELWIJZER_CORPUS_DIR=$(SHARED)/corpus $(VENV)/bin/pytest -q -m "not slow and not browser and not server and not model"

lint: install
	$(VENV)/bin/ruff check deelwijzer kb ingest bot evals tests

typecheck: install
	$(VENV)/bin/mypy deelwijzer kb bot

bench: install
	$(PY) -m evals.bench --corpus $(SHARED)/corpus
	$(PY) -m evals.bench_matrix

bench-ingest: install
	$(PY) -m evals.bench --corpus $(SHARED)/corpus --only ingest

eval: install
	$(CLI) eval cases evals/cases --json evals/out/cases.json

# 50 clients for 60 s against `serve` on a free 127.0.0.1 port (corpus slice), abuse and a re-ingest mixed in.
stress: install
	$(PY) -m evals.stress --corpus $(SHARED)/corpus --json evals/out/stress.json

screenshots: install
	$(CLI) ingest --from $(SHARED)/corpus
	$(PY) tests/screenshots.py --out screenshots

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
