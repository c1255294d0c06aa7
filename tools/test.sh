#!/usr/bin/env bash
# make test: lint; install retention_loyalty in a throwaway database and fail on
# any warning or error it logs; run the addon's tests with pytest-odoo; run the
# whole-system checks in tests/ (install -> upgrade -> uninstall). Then the
# sale_loyalty bridge (retention_loyalty_sale_loyalty): installed with
# sale_loyalty in the same throwaway database, and its tests; then the point of
# sale bridge (retention_loyalty_pos) with point_of_sale, and its tests; then
# the offers-at-the-till bridge (retention_loyalty_pos_loyalty) and its tests;
# then the dashboard (retention_loyalty_dashboard) with spreadsheet_dashboard;
# the whole-system checks last, with a hot standby of the cluster serving
# read-only requests (tools/replica.sh).
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/replica.sh"
ensure_all
"$REPO_DIR/tools/lint.sh" || die "lint failed (see above)."

DB=retention_test_$$
LOG_DIR=$STATE_DIR/logs
mkdir -p "$LOG_DIR"
cleanup() {
    stop_replica
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$STATE_DIR/data/filestore/$DB"
}
trap cleanup EXIT

say "installing contacts, crm, sale_management in throwaway database $DB"
odoo -d "$DB" -i contacts,mail,crm,sale_management --stop-after-init --log-level=warn \
    >"$LOG_DIR/install-dependencies.log" 2>&1 ||
    { tail -n 30 "$LOG_DIR/install-dependencies.log"; die "installing Odoo's own apps failed (log: $LOG_DIR/install-dependencies.log)."; }

say "installing retention_loyalty"
odoo -d "$DB" -i retention_loyalty --stop-after-init >"$LOG_DIR/install.log" 2>&1 ||
    { tail -n 30 "$LOG_DIR/install.log"; die "installing retention_loyalty failed (log: $LOG_DIR/install.log)."; }
if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$LOG_DIR/install.log"; then
    die "installing retention_loyalty logged the warnings or errors above (log: $LOG_DIR/install.log)."
fi

cd "$REPO_DIR"
status=0
say "addon tests (pytest-odoo, real Odoo, headless Chromium for tours)"
# pytest-odoo imports odoo.tests before it enables test mode, which Odoo logs as
# a spurious "Importing test framework" error: silence that one logger.
"$VENV/bin/python" -m pytest retention_loyalty/tests --odoo-config="$ODOO_CONF" \
    --odoo-database="$DB" --odoo-http --odoo-log-level=warn \
    --odoo-extra=log-handler=odoo.tests.common:CRITICAL -ra || status=1

# A bridge: installed with the Odoo app it bridges to, in the same database,
# after the addon's own tests (those run without it); then its tests.
bridge() {
    local bridge=$1 apps=$2 what=$3
    say "installing the $what bridge ($apps, $bridge)"
    odoo -d "$DB" -i "$apps,$bridge" --stop-after-init >"$LOG_DIR/install-$bridge.log" 2>&1 ||
        { tail -n 30 "$LOG_DIR/install-$bridge.log"; echo "installing $bridge failed (log: $LOG_DIR/install-$bridge.log)."; status=1; }
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$LOG_DIR/install-$bridge.log"; then
        echo "installing $bridge logged the warnings or errors above (log: $LOG_DIR/install-$bridge.log)."
        status=1
    fi
    say "$what bridge tests ($bridge, with $apps installed)"
    "$VENV/bin/python" -m pytest "$bridge/tests" --odoo-config="$ODOO_CONF" \
        --odoo-database="$DB" --odoo-http --odoo-log-level=warn \
        --odoo-extra=log-handler=odoo.tests.common:CRITICAL -ra || status=1
}
bridge retention_loyalty_sale_loyalty sale_loyalty "referral rewards"
# The till's invoices are made without a PDF in its tests: no wkhtmltopdf needed.
bridge retention_loyalty_pos point_of_sale "point of sale"
# With sale_loyalty and point_of_sale both there, pos_loyalty and the offers
# bridge come by themselves (auto_install): installing them is a no-op check.
bridge retention_loyalty_pos_loyalty pos_loyalty "offers at the till"
bridge retention_loyalty_dashboard spreadsheet_dashboard "dashboard"

# A hot standby of the cluster, for the read-replica check.
start_replica
say "whole-system checks (tests/: install, upgrade with odoo-bin --test-enable, uninstall, read replica)"
RETENTION_ODOO_CONF=$ODOO_CONF RETENTION_PYTHON=$VENV/bin/python \
    RETENTION_REPLICA_HOST=$REPLICA_HOST RETENTION_REPLICA_PORT=$REPLICA_PORT \
    "$VENV/bin/python" -m pytest tests -p no:odoo -ra || status=1

[ "$status" = 0 ] || die "tests failed (see the pytest summaries above)."
say "all checks passed"
