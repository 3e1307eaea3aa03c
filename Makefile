# One entry point for people and CI. On a fresh machine (Python 3.11, Node.js/npm):
#   make book   -> sets everything up, checks the data, builds the site into _build/html
#   make test   -> sets everything up and runs every test
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: book test test-fast check env vendor browser clean linkcheck bench bench-scale stress pdf release refresh summary
book: env vendor
	$(PY) -m mrcreview build

# On every core (pytest-xdist), each test module on one worker (tests/conftest.py keeps the modules that
# rebuild the site on one, and puts them first); the site is built once for all of them. Workers take the
# modules in that order, not by their number of tests.
PARALLEL := -n auto --dist loadscope --no-loadscope-reorder
test: env vendor browser
	$(PY) -m pytest $(PARALLEL)

# The loop while editing: every test that builds no site and executes no chapter.
test-fast: env
	$(PY) -m pytest $(PARALLEL) tests -m "not build"

check: env
	$(PY) -m mrcreview check

# What your changes do to the evidence, as the pull request's comment will show it: make summary, or
# make summary BASE=<branch or commit> (default origin/main). BASE reaches the program unexpanded, through
# the environment, as VERSION does (see release below).
override BASE := $(value BASE)
export BASE
summary: env
	$(PY) -m mrcreview summary --markdown --base="$${BASE:-origin/main}"

# uv (pinned in the lock) installs the lock: a third of pip's time on a fresh machine; pip is the fallback.
# uv does not compile the installed modules: Python compiles each the first time a command imports it and
# keeps it, as it does by default (about 2,000 of the 9,000 are ever imported; compiling them all up front
# took 33 s). A PYTHONDONTWRITEBYTECODE in the environment would have every process compile them again.
unexport PYTHONDONTWRITEBYTECODE
UV := $(VENV)/bin/uv pip install --quiet --python $(PY)
env: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "$$(grep '^uv==' requirements.lock)" \
	  && $(UV) -r requirements.lock && $(UV) --no-deps -e . \
	  || { echo "env: uv failed; installing with pip"; \
	       $(PY) -m pip install --quiet -r requirements.lock && $(PY) -m pip install --quiet --no-deps -e .; }
	touch $@

# The Vega libraries the site serves itself, from the npm registry at the versions in vendor/package-lock.json.
vendor: vendor/node_modules/.installed
vendor/node_modules/.installed: vendor/package.json vendor/package-lock.json
	npm ci --prefix vendor --no-audit --no-fund --loglevel=error
	touch $@

# A real browser for the browser tests, never one downloaded by a test tool: CHROMIUM if set, Debian's
# Chromium, or Google Chrome where it is preinstalled (GitHub's Ubuntu runners); else Debian's is installed.
browser:
	@test -n "$${CHROMIUM:-}" || command -v chromium >/dev/null || command -v google-chrome >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# A PDF of the whole book, charts included (their static SVG), printed by Chromium.
pdf: env vendor browser
	$(PY) -m mrcreview pdf

# Registry statuses and the literature search, brought up to date (needs the network; the weekly workflow runs it).
refresh: env
	$(PY) -m mrcreview refresh

# Record, commit and tag a release: make release VERSION=x.y.z (see CONTRIBUTING.md, "Releasing").
# The version is data, never code. make expands a variable given on its command line wherever it is
# referenced or exported, and bash expands the recipe line, so $(shell ...), `...` or $$(...) in it
# would run: VERSION is replaced by its unexpanded text and reaches the program through the environment,
# which checks it. (VERSION:=..., VERSION::=... and VERSION!=... on the command line are evaluated by make
# itself before any line here is read: give the version as VERSION=x.y.z.)
override VERSION := $(value VERSION)
export VERSION
release: env
	$(PY) -m mrcreview release

clean:
	rm -rf _build

# External links, checked on a schedule rather than on every pull request.
linkcheck: env vendor
	$(VENV)/bin/jupyter-book build . --builder linkcheck --path-output _build/linkcheck --config <(printf 'execute:\n  execute_notebooks: "off"\n')

# Cold build, no-change rebuild and one-row edit, with a staleness verdict; citation plugin lookups.
bench: env vendor
	$(PY) bench/build_speed.py
	$(PY) bench/plugin_lookups.py

# The same figures on seeded synthetic data 50 times today's size (MULTIPLE=n to choose), and page weights.
MULTIPLE ?= 50
bench-scale: env vendor
	$(PY) bench/scale.py --multiple $(MULTIPLE)

# Three cold builds in three copies at once beside the fast tests, several rounds: 0 failures expected.
stress: env vendor
	$(PY) bench/stress.py
