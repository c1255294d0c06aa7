#!/usr/bin/env bash
# make bench: the cadence engine on 10,000 newly confirmed orders, then the
# reports on 100,000 generated customers, in a throwaway database; one line per
# figure, all of them in .state/bench/bench.json.
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
say "reports on ${BENCH_CUSTOMERS:-100000} generated customers (bulk SQL, then the loyalty cron)"
reports=$("$VENV/bin/python" "$REPO_DIR/tools/report_load.py" -c "$ODOO_CONF" -d "$DB" \
    --customers "${BENCH_CUSTOMERS:-100000}")

"$VENV/bin/python" - "$OUT/bench.json" "$setup" "$first" "$rerun" "$check" "$reports" <<'PY'
import json, sys
path, setup, first, rerun, check, reports = sys.argv[1], *map(json.loads, sys.argv[2:])
assert check["followups"] == check["distinct_followups"] == check["activities"], check
figures = {
    "orders": setup["orders"],
    "customers": setup["customers"],
    "activities_created": first["created"],
    "first_run_seconds": first["seconds"],
    "activities_per_second": first["per_second"],
    "first_run_queries": first["queries"],
    "queries_per_order": round(first["queries"] / setup["orders"], 3),
    "rerun_seconds": rerun["seconds"],
    "rerun_queries": rerun["queries"],
    "peak_rss_mb": first["peak_rss_mb"],
    "report_customers": reports["customers"],
    "profile_recompute_seconds": reports["profile_recompute_seconds"],
    **{f"report_{model.split('.', 1)[1].replace('.', '_')}_seconds": figure["seconds"]
       for model, figure in reports["reports"].items()},
}
for key, value in figures.items():
    print(f"{key:24} {value}")
with open(path, "w") as out:
    json.dump(figures, out, indent=2)
print(f"(written to {path})")
PY
