#!/usr/bin/env bash
# make bench: the cadence engine on 10,000 newly confirmed orders, then the
# loyalty recompute, the advocate kanban, the customer list and the reports on
# 100,000 generated customers with 1,000,000 orders, in a throwaway database;
# then a rep's everyday actions there with the addon's hooks and without them;
# BENCH_CUSTOMERS=1000000 for the big retailer (10,000,000 purchases, about
# 20 minutes more);
# with BENCH_INSTALL=1, the install of the addon on an existing database of
# 120,000 partners and 1,000,000 orders and its first profile pass. One line
# per figure, all of them in .state/bench/bench-<customers>.json.
source "$(dirname "$0")/env.sh"
ensure_all
ORDERS=${BENCH_ORDERS:-10000}
# The size of the scale part: ten purchases, two answers per customer, a
# referral per five.
CUSTOMERS=${BENCH_CUSTOMERS:-100000}
PURCHASES=$((CUSTOMERS * 10))
DB=retention_bench_$$
IDB=retention_bench_install_$$
OUT=$STATE_DIR/bench
mkdir -p "$OUT"
cleanup() {
    local db
    for db in "$DB" "$IDB"; do
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "$STATE_DIR/data/filestore/$db"
    done
}
trap cleanup EXIT

say "installing retention_loyalty and point_of_sale (no demo data) in throwaway database $DB"
# With the till: retention_loyalty_pos comes with point_of_sale (auto_install).
odoo -d "$DB" -i retention_loyalty,point_of_sale --without-demo=all --stop-after-init --log-level=warn \
    >"$OUT/install.log" 2>&1 || die "install failed (log: $OUT/install.log)."
load() { "$VENV/bin/python" "$REPO_DIR/tools/cadence_load.py" -c "$ODOO_CONF" -d "$DB" "$@"; }

setup='{}' first='{}' rerun='{}' check='{}' mails_first='{}' mails_rerun='{}'
# BENCH_SCALE_ONLY=1: only the scale part (profiles, health, views, reports).
if [ "${BENCH_SCALE_ONLY:-0}" != 1 ]; then
say "creating $ORDERS confirmed orders (bulk SQL)"
setup=$(load setup --orders "$ORDERS")
say "cadence cron, first run"
first=$(load run)
say "cadence cron, rerun with nothing new"
rerun=$(load run)
check=$(load check)
say "customer e-mails: 10,000 orders in a weekly countdown (one e-mail each due today)"
load setup --orders "$ORDERS" --rule countdown --prefix MAILS >/dev/null
mails_first=$(load run)
mails_rerun=$(load run)
fi
scale() { "$VENV/bin/python" "$REPO_DIR/tools/scale_load.py" -c "$ODOO_CONF" -d "$DB" "$@"; }
say "generating $CUSTOMERS customers, $PURCHASES purchases over 3 years (60 % sale orders, 25 % till orders, 15 % direct invoices, credit notes on 3 %), $((CUSTOMERS * 2)) answers, $((CUSTOMERS / 5)) referrals (bulk SQL)"
generated=$(scale generate --mix --customers "$CUSTOMERS" --orders "$PURCHASES" \
    --feedback $((CUSTOMERS * 2)) --referrals $((CUSTOMERS / 5)))
say "loyalty profile recompute (the nightly cron, its own process), then the raw-SQL floor"
recompute=$(scale recompute)
floor=$(scale floor)
say "advocate kanban and customer list, with and without the addon's indexes"
views=$(scale views)
say "reports"
reports=$(scale reports)
everyday() { "$VENV/bin/python" "$REPO_DIR/tools/everyday_load.py" -c "$ODOO_CONF" "$@"; }
say "a rep's actions (confirm an order, import 100 contacts, log an answer), with and without the addon's hooks"
actions=$(everyday -d "$DB" actions)

install='{}'
if [ "${BENCH_INSTALL:-0}" = 1 ]; then
    say "install on an existing database: sale_management in $IDB, 100,000 customers, 20,000 contacts, 1,000,000 orders (bulk SQL)"
    odoo -d "$IDB" -i sale_management --without-demo=all --stop-after-init --log-level=warn \
        >"$OUT/install_base.log" 2>&1 || die "installing sale_management failed (log: $OUT/install_base.log)."
    base=$(everyday -d "$IDB" install-data)
    say "installing retention_loyalty there (timed), then its first profile pass"
    started=$(date +%s.%N)
    odoo -d "$IDB" -i retention_loyalty --without-demo=all --stop-after-init --log-level=info \
        >"$OUT/install_existing.log" 2>&1 || die "install failed (log: $OUT/install_existing.log)."
    ended=$(date +%s.%N)
    first_pass=$(everyday -d "$IDB" first-pass)
    install=$("$VENV/bin/python" - "$OUT/install_existing.log" "$started" "$ended" "$base" "$first_pass" <<'PY'
import json, re, sys
log, started, ended, base, first_pass = sys.argv[1:]
# Odoo logs each module's load time at INFO: "Module crm loaded in 12.34s, 5678 queries".
modules = {name: float(seconds) for name, seconds in
           re.findall(r"Module (\w+) loaded in ([\d.]+)s", open(log).read())}
print(json.dumps({"base": json.loads(base), "seconds": round(float(ended) - float(started), 1),
                  "modules": modules, "first_pass": json.loads(first_pass)}))
PY
)
fi

"$VENV/bin/python" - "$OUT/bench-$CUSTOMERS.json" "$setup" "$first" "$rerun" "$check" "$generated" \
    "$recompute" "$floor" "$views" "$reports" "$actions" "$install" "$mails_first" "$mails_rerun" <<'PY'
import json, os, sys
(path, setup, first, rerun, check, generated, recompute, floor, views, reports, actions, install,
 mails_first, mails_rerun) = (sys.argv[1], *map(json.loads, sys.argv[2:]))
assert not check or check["followups"] == check["distinct_followups"] == check["activities"], check
indexed, bare = views["with_indexes"], views["without_indexes"]
cadence = {} if not setup else {
    "cadence_orders": setup["orders"],
    "cadence_activities_created": first["created"],
    "cadence_first_run_seconds": first["seconds"],
    "cadence_activities_per_second": first["per_second"],
    "cadence_first_run_queries": first["queries"],
    "cadence_rerun_seconds": rerun["seconds"],
    "cadence_rerun_queries": rerun["queries"],
    "cadence_peak_rss_mb": first["peak_rss_mb"],
    "customer_emails_sent": mails_first["created"],
    "customer_emails_first_run_seconds": mails_first["seconds"],
    "customer_emails_first_run_queries": mails_first["queries"],
    "customer_emails_rerun_seconds": mails_rerun["seconds"],
    "customer_emails_rerun_queries": mails_rerun["queries"],
}
figures = {
    **cadence,
    **{f"data_{key}": value for key, value in generated.items()},
    "recompute_first_run_seconds": recompute["first_seconds"],
    "recompute_first_run_queries": recompute["first_queries"],
    "recompute_rerun_seconds": recompute["rerun_seconds"],
    "recompute_peak_rss_mb": recompute["peak_rss_mb"],
    "recompute_profiles": recompute["profiles"],
    "recompute_customers_with_tier": recompute["with_tier"],
    "recompute_key_accounts": recompute["key_accounts"],
    "recompute_health_bands": recompute["health_bands"],
    "health_statement_seconds": recompute["health_statement_seconds"],
    "raw_sql_floor_seconds": floor["seconds"],
    "raw_sql_floor_empty_table_seconds": floor["empty_seconds"],
    "recompute_to_floor_ratio": round(recompute["first_seconds"] / floor["seconds"], 2),
    "recompute_to_empty_floor_ratio": round(
        recompute["first_seconds"] / floor["empty_seconds"], 2),
    "rerun_to_floor_ratio": round(recompute["rerun_seconds"] / floor["seconds"], 2),
    "kanban_requests": indexed["kanban"]["requests"],
    "kanban_queries": indexed["kanban"]["queries"],
    "kanban_max_queries_per_request": indexed["kanban"]["max_request_queries"],
    "kanban_server_ms": round(indexed["kanban"]["seconds"] * 1000),
    "kanban_server_ms_without_indexes": round(bare["kanban"]["seconds"] * 1000),
    # Side by side with Odoo's own Contacts kanban and list, same database and user.
    "kanban_grouped_request_max_ms": round(indexed["kanban"]["max_grouped_seconds"] * 1000),
    "kanban_cards_request_max_ms": round(indexed["kanban"]["max_cards_seconds"] * 1000),
    **{f"contacts_{name}_{unit}": value
       for name, figure in indexed["contacts"].items()
       for unit, value in (("ms", round(figure["seconds"] * 1000)),
                           ("queries", figure["queries"]))},
    "kanban_grouped_to_contacts_ratio": round(
        indexed["kanban"]["max_grouped_seconds"] / indexed["contacts"]["grouped"]["seconds"], 2),
    "kanban_cards_to_contacts_ratio": round(
        indexed["kanban"]["max_cards_seconds"] / indexed["contacts"]["cards"]["seconds"], 2),
    "list_to_contacts_ratio": round(
        max(figure["seconds"] for name, figure in indexed.items() if name.startswith("list_"))
        / indexed["contacts"]["list"]["seconds"], 2),
    **{
        f"{name}_{unit}": value
        for name, figure in indexed.items() if name.startswith("list_")
        for unit, value in (("queries", figure["queries"]),
                            ("ms", round(figure["seconds"] * 1000)),
                            ("ms_without_indexes", round(bare[name]["seconds"] * 1000)))
    },
    **{f"report_{model.split('.', 1)[-1].replace('.', '_')}_ms": round(figure["seconds"] * 1000)
       for model, figure in reports.items()},
    # A rep's actions: medians, with the addon's hooks and without them.
    **{f"rep_{action}_{key}": value
       for action, figure in actions.items() if not action.startswith("immediate")
       for key, value in figure.items()},
    **{f"{action}_path_1_customer_{key}": value
       for action, figure in actions.items() if action.startswith("immediate")
       for key, value in figure.items()},
}
if install:
    figures.update({
        "install_existing_partners": install["base"]["partners"],
        "install_existing_orders": install["base"]["orders"],
        "install_existing_seconds": install["seconds"],
        **{f"install_existing_module_{name}_seconds": seconds
           for name, seconds in install["modules"].items()
           if name in ("retention_loyalty", "crm", "contacts", "digest")},
        "install_first_pass_seconds": install["first_pass"]["seconds"],
        "install_first_pass_queries": install["first_pass"]["queries"],
        "install_first_pass_peak_rss_mb": install["first_pass"]["peak_rss_mb"],
        "install_first_pass_profiles": install["first_pass"]["profiles"],
        "install_first_pass_with_tier": install["first_pass"]["with_tier"],
    })
targets = [("rep_confirm_ratio", 2), ("rep_import_100_contacts_ratio", 2), ("rep_feedback_ms", 40),
           ("recompute_first_run_seconds", 600), ("recompute_to_floor_ratio", 2),
           ("rerun_to_floor_ratio", 2), ("rep_post_direct_invoice_ratio", 2),
           ("rep_pay_till_order_ratio", 2), ("rep_close_till_session_500_orders_ratio", 2),
           ("kanban_max_queries_per_request", 20), ("kanban_grouped_to_contacts_ratio", 2),
           ("kanban_cards_to_contacts_ratio", 2), ("list_to_contacts_ratio", 2),
           *((key, 1000) for key in figures if key.startswith("report_"))]
for key, value in figures.items():
    print(f"{key:48} {value}")
for key, target in targets:
    print(f"{key} {figures[key]}: {'within' if figures[key] <= target else 'OVER'} target {target}")
with open(path, "w") as out:
    json.dump(figures, out, indent=2)
print(f"(written to {path})")
# The growth from 100,000 to 1,000,000 customers, once both sizes have run.
small, big = (os.path.join(os.path.dirname(path), f"bench-{size}.json")
              for size in (100000, 1000000))
if os.path.exists(small) and os.path.exists(big):
    small, big = (json.load(open(name)) for name in (small, big))
    for key, value in big.items():
        if isinstance(value, (int, float)) and small.get(key):
            print(f"growth {key:41} x{value / small[key]:.2f}")
PY
