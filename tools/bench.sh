#!/usr/bin/env bash
# make bench: the cadence engine on 10,000 newly confirmed orders, then the
# loyalty recompute, the advocate kanban, the customer list and the reports on
# 100,000 generated customers with 1,000,000 orders, in a throwaway database;
# one line per figure, all of them in .state/bench/bench.json.
source "$(dirname "$0")/env.sh"
ensure_all
ORDERS=${BENCH_ORDERS:-10000}
DB=retention_bench_$$
OUT=$STATE_DIR/bench
mkdir -p "$OUT"
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$STATE_DIR/data/filestore/$DB"; }
trap cleanup EXIT

say "installing retention_loyalty (no demo data) in throwaway database $DB"
odoo -d "$DB" -i retention_loyalty --without-demo=all --stop-after-init --log-level=warn \
    >"$OUT/install.log" 2>&1 || die "install failed (log: $OUT/install.log)."
load() { "$VENV/bin/python" "$REPO_DIR/tools/cadence_load.py" -c "$ODOO_CONF" -d "$DB" "$@"; }

say "creating $ORDERS confirmed orders (bulk SQL)"
setup=$(load setup --orders "$ORDERS")
say "cadence cron, first run"
first=$(load run)
say "cadence cron, rerun with nothing new"
rerun=$(load run)
check=$(load check)
scale() { "$VENV/bin/python" "$REPO_DIR/tools/scale_load.py" -c "$ODOO_CONF" -d "$DB" "$@"; }
say "generating 100,000 customers, 1,000,000 orders over 3 years, 200,000 answers, 20,000 referrals (bulk SQL)"
generated=$(scale generate)
say "loyalty profile recompute (the nightly cron, its own process), then the raw-SQL floor"
recompute=$(scale recompute)
floor=$(scale floor)
say "advocate kanban and customer list, with and without the addon's indexes"
views=$(scale views)
say "reports"
reports=$(scale reports)

"$VENV/bin/python" - "$OUT/bench.json" "$setup" "$first" "$rerun" "$check" "$generated" \
    "$recompute" "$floor" "$views" "$reports" <<'PY'
import json, sys
path, setup, first, rerun, check, generated, recompute, floor, views, reports = (
    sys.argv[1], *map(json.loads, sys.argv[2:]))
assert check["followups"] == check["distinct_followups"] == check["activities"], check
indexed, bare = views["with_indexes"], views["without_indexes"]
figures = {
    "cadence_orders": setup["orders"],
    "cadence_activities_created": first["created"],
    "cadence_first_run_seconds": first["seconds"],
    "cadence_activities_per_second": first["per_second"],
    "cadence_first_run_queries": first["queries"],
    "cadence_rerun_seconds": rerun["seconds"],
    "cadence_rerun_queries": rerun["queries"],
    "cadence_peak_rss_mb": first["peak_rss_mb"],
    **{f"data_{key}": value for key, value in generated.items()},
    "recompute_first_run_seconds": recompute["first_seconds"],
    "recompute_first_run_queries": recompute["first_queries"],
    "recompute_rerun_seconds": recompute["rerun_seconds"],
    "recompute_peak_rss_mb": recompute["peak_rss_mb"],
    "recompute_customers_with_tier": recompute["with_tier"],
    "recompute_key_accounts": recompute["key_accounts"],
    "raw_sql_floor_seconds": floor["seconds"],
    "recompute_to_floor_ratio": round(recompute["first_seconds"] / floor["seconds"], 2),
    "rerun_to_floor_ratio": round(recompute["rerun_seconds"] / floor["seconds"], 2),
    "kanban_requests": indexed["kanban"]["requests"],
    "kanban_queries": indexed["kanban"]["queries"],
    "kanban_max_queries_per_request": indexed["kanban"]["max_request_queries"],
    "kanban_server_ms": round(indexed["kanban"]["seconds"] * 1000),
    "kanban_server_ms_without_indexes": round(bare["kanban"]["seconds"] * 1000),
    **{
        f"{name}_{unit}": value
        for name, figure in indexed.items() if name.startswith("list_")
        for unit, value in (("queries", figure["queries"]),
                            ("ms", round(figure["seconds"] * 1000)),
                            ("ms_without_indexes", round(bare[name]["seconds"] * 1000)))
    },
    **{f"report_{model.split('.', 1)[1].replace('.', '_')}_ms": round(figure["seconds"] * 1000)
       for model, figure in reports.items()},
}
for key, value in figures.items():
    print(f"{key:40} {value}")
with open(path, "w") as out:
    json.dump(figures, out, indent=2)
print(f"(written to {path})")
PY
