# The docs' numbers: see docs/howto/reproduce.md ("The numbers on the world pages").
PYTHON ?= python

.PHONY: docs-pages docs-check docs-quick docs-numbers

docs-pages:    ## rewrite the pages' marked blocks from the checked-in outputs (seconds)
	$(PYTHON) docs/figures/build.py --pages

docs-check:    ## exit 1 if a page differs from its script's checked-in outputs
	$(PYTHON) docs/figures/build.py --check

docs-quick:    ## every figure script at a tiny size, into a scratch directory (minutes)
	$(PYTHON) docs/figures/build.py --quick

docs-numbers:  ## every figure script at full size, then the pages (long: see the docs)
	nice $(PYTHON) docs/figures/build.py
