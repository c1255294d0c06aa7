#!/usr/bin/env bash
# make lint: ruff and pylint-odoo over the addon, its sale_loyalty bridge and the
# tooling; the addon's README in sync with its readme/ fragments.
source "$(dirname "$0")/env.sh"
mkdir -p "$CACHE_DIR"
find_odoo
ensure_venv
cd "$REPO_DIR"
say "ruff"
"$VENV/bin/ruff" check retention_loyalty retention_loyalty_sale_loyalty retention_loyalty_pos retention_loyalty_pos_loyalty retention_loyalty_dashboard tests tools
"$VENV/bin/ruff" format --check retention_loyalty retention_loyalty_sale_loyalty retention_loyalty_pos retention_loyalty_pos_loyalty retention_loyalty_dashboard tests tools
say "pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc retention_loyalty retention_loyalty_sale_loyalty retention_loyalty_pos retention_loyalty_pos_loyalty retention_loyalty_dashboard
say "README from readme/ fragments"
"$VENV/bin/python" tools/readme.py --check
