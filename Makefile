# Thin aliases of commands a person could type; see README.md.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp

.PHONY: install bench-tools index run test lint format eval-entities eval-html eval-metadata eval-quotes eval-ranking eval-judged eval-newsroom eval-related eval-duplicates mixed-archive fuzz bench bench-scale bench-build clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The HTTP benchmarks drive gunicorn with wrk, a system tool: installed from Debian's
# packages when missing (as root, or through sudo).
bench-tools:
	@command -v wrk >/dev/null || { SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  $$SUDO apt-get install -y -qq --no-install-recommends wrk; }

index: install
	$(PY) -m indexer build

run: index
	$(VENV)/bin/gunicorn search_api.wsgi:app -c gunicorn.conf.py

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

eval-entities: install
	$(PY) bench/eval_entities.py

eval-html: install
	$(PY) bench/eval_html.py

eval-metadata: install
	$(PY) bench/eval_metadata.py

eval-newsroom: install
	$(PY) bench/eval_newsroom.py

eval-duplicates: install
	$(PY) bench/eval_duplicates.py

eval-quotes: install
	$(PY) -m bench.eval_quotes --all --output bench/results/quotes.md

eval-ranking: install
	$(PY) bench/ranking_queries.py
	$(PY) bench/eval_ranking.py
	$(PY) bench/eval_judged.py --json

eval-judged: install
	$(PY) bench/eval_judged.py --json

eval-related: install
	$(PY) bench/eval_related.py

mixed-archive: install
	$(PY) bench/mixed_archive.py

bench: install bench-tools
	$(PY) bench/perf.py --scale 1

# Reuters replicated 1x, 4x, 16x: build, size, in-process and HTTP latency, memory (about
# an hour: the 16x build is most of it; --skip-build reuses indexes already built).
bench-scale: install bench-tools
	$(PY) bench/perf.py --scale 1 4 16 --stages scale summary

bench-build: install
	$(PY) bench/build_scale.py

fuzz: install
	FUZZ_EXAMPLES=20000 $(PY) -m pytest -q -s tests/test_fuzz_api.py

clean:
	rm -rf var/ bench/out/ .pytest_cache .ruff_cache
