#!/usr/bin/env bash
# make pot: regenerate the translation template from the installed addon.
source "$(dirname "$0")/env.sh"
ensure_all
ensure_database --update
odoo -d "$ODOO_DB" --i18n-export="$REPO_DIR/retention_loyalty/i18n/retention_loyalty.pot" \
    --modules=retention_loyalty --stop-after-init --log-level=warn
say "wrote retention_loyalty/i18n/retention_loyalty.pot"
