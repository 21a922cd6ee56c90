# Twee opdrachten voor gebruikers: `make demo` en `make test`. Beide maken .venv aan als die er
# nog niet is (python -m venv + pip install -e ".[dev]" uit pyproject.toml).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.kit-installed
STORE  := data/example/store

.PHONY: demo test install clean-store

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 of nieuwer is nodig (gevonden: " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m kit inlezen data/example/berichten.tar.xz --store $(STORE) --stil
	$(PY) -m kit overzicht --store $(STORE)
	$(PY) -m kit rapport --params data/example/rapport.yaml --uit reports/example

test: $(STAMP)
	$(PY) -m ruff check kit tests bench docs setup.py
	$(PY) -m nbstripout --verify --keep-id notebooks/*.ipynb
	PYTHON=$(PYTHON) bash .ci/wheel-check.sh
	bash .ci/install-chromium.sh
	$(PY) -m pytest

clean-store:
	rm -rf $(STORE)
