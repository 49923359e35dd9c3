# Set-up and everyday commands. `make site` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: site test check serve bench clean help golden

help:
	@echo "make site   - install pinned dependencies into .venv/ and build site/"
	@echo "make test   - the same set-up, then every test"
	@echo "make check  - validate claims, sources and articles (strict, as CI)"
	@echo "make serve  - preview with live reload on http://127.0.0.1:8000"
	@echo "make bench  - build synthetic reviews of 100, 1,000 and 10,000 claims and time them"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

site: $(STAMP)
	$(BIN)/python build.py build

check: $(STAMP)
	$(BIN)/python build.py check --strict

serve: $(STAMP)
	$(BIN)/python build.py serve

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf site .pytest_cache

golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py
