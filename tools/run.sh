#!/usr/bin/env bash
# make run: Odoo 18 with retention_loyalty and demo data on http://localhost:$ODOO_PORT.
source "$(dirname "$0")/env.sh"
ensure_all

manifest_version=$("$VENV/bin/python" -c "import ast; print(ast.literal_eval(open('$REPO_DIR/retention_loyalty/__manifest__.py').read())['version'])")
installed_version=$(psql -d "$ODOO_DB" -Atqc \
    "select latest_version from ir_module_module where name = 'retention_loyalty' and state = 'installed'" 2>/dev/null || true)
if [ -z "$installed_version" ]; then
    say "creating database $ODOO_DB with retention_loyalty and demo data"
    odoo -d "$ODOO_DB" -i retention_loyalty --stop-after-init --log-level=warn ||
        die "installing retention_loyalty in database $ODOO_DB failed (see the log above)."
elif [ "$installed_version" != "$manifest_version" ]; then
    say "upgrading retention_loyalty in $ODOO_DB ($installed_version -> $manifest_version)"
    odoo -d "$ODOO_DB" -u retention_loyalty --stop-after-init --log-level=warn ||
        die "upgrading retention_loyalty in database $ODOO_DB failed (see the log above)."
fi

cat <<MSG

  Odoo 18.0 with retention_loyalty: http://localhost:$ODOO_PORT
  Login: admin   Password: admin   (database $ODOO_DB; Ctrl+C stops)

MSG
odoo -d "$ODOO_DB" --db-filter="^$ODOO_DB\$" --http-port="$ODOO_PORT"
