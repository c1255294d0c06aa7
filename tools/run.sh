#!/usr/bin/env bash
# make run: Odoo 18 with retention_loyalty and demo data on http://localhost:$ODOO_PORT.
source "$(dirname "$0")/env.sh"
ensure_all

ensure_database

cat <<MSG

  Odoo 18.0 with retention_loyalty: http://localhost:$ODOO_PORT
  Login: admin   Password: admin   (database $ODOO_DB; Ctrl+C stops)

MSG
odoo -d "$ODOO_DB" --db-filter="^$ODOO_DB\$" --http-port="$ODOO_PORT"
