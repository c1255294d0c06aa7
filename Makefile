# retention_loyalty: one command to run Odoo with the addon, one to test it.
# Variables (environment or `make VAR=value`): ODOO_SRC, ODOO_DB, ODOO_PORT,
# PYTHON, RETENTION_CACHE, and libpq's PGHOST / PGPORT / PGUSER.
.PHONY: run shell test lint pot readme screenshots bench evaluate-health clean

run:  ## Odoo 18 with the addon and demo data on http://localhost:8069
	@bash tools/run.sh

shell:  ## an Odoo shell on the run database
	@bash -c 'source tools/env.sh; ensure_all; ensure_database; odoo shell -d "$$ODOO_DB"'

test:  ## lint, install in a throwaway database, addon tests, whole-system tests
	@bash tools/test.sh

lint:  ## ruff and pylint-odoo
	@bash tools/lint.sh

bench:  ## cadence cron on 10,000 new orders; recompute, views and reports on 100,000 customers / 1,000,000 orders (BENCH_CUSTOMERS=1000000: ten times more; .state/bench/)
	@bash tools/bench.sh

evaluate-health:  ## health score vs BG/NBD, Pareto/NBD, recency and the churn rule on CDNOW (.state/evaluate_health.md)
	@bash tools/evaluate_health.sh

readme:  ## regenerate retention_loyalty/README.md from retention_loyalty/readme/*.md
	@python3 tools/readme.py

screenshots:  ## retake the Apps page screenshots (static/description/) in headless Chromium
	@bash tools/screenshots.sh

pot:  ## regenerate retention_loyalty/i18n/retention_loyalty.pot
	@bash tools/pot.sh

clean:  ## drop the run database and this checkout's Odoo config and filestore
	@bash -c 'source tools/env.sh; dropdb --if-exists "$$ODOO_DB"; rm -rf "$$STATE_DIR"'
