#!/usr/bin/env bash
# make evaluate-health: how well the loyalty engine's health score ranks the
# customers who then buy nothing, against BG/NBD and Pareto/NBD (lifetimes),
# recency and the churn rule, on the CDNOW panel (23,570 customers), for
# several calibration / holdout splits. The addon is installed once in a
# throwaway database, cloned per split; tools/evaluate_health_load.py loads the
# calibration purchases there (dates shifted so the calibration end is today)
# and runs the loyalty cron; tools/evaluate_health.py, in an environment of its
# own with lifetimes, fits the models and prints the table, also written to
# .state/evaluate_health.md. EVAL_KEEP=1 keeps the databases.
source "$(dirname "$0")/env.sh"
ensure_all
EVAL_VENV=$CACHE_DIR/eval-venv
EVAL_PYTHON=${EVAL_PYTHON:-$(command -v python3.11 || command -v python3)}
DB=rl_eval_cdnow
OUT=$STATE_DIR/evaluate_health
# Calibration end:holdout end; the standard split first.
SPLITS=(${EVAL_SPLITS:-1997-09-30:1998-06-30 1997-06-30:1998-03-31 1997-12-31:1998-06-30 1997-04-30:1997-12-31})
started=$(date +%s)

databases() { psql -d postgres -Atqc "SELECT datname FROM pg_database WHERE datname ~ '^${DB}(_|$)'"; }
drop_all() {
    local db
    for db in $(databases); do
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "$STATE_DIR/data/filestore/$db"
    done
}
cleanup() { [ "${EVAL_KEEP:-0}" = 1 ] || drop_all; }
trap cleanup EXIT

stamp=$(sha256sum "$REPO_DIR/tools/evaluate-requirements.txt" | cut -c1-16)
if [ "$(cat "$EVAL_VENV/.retention-stamp" 2>/dev/null)" != "$stamp" ]; then
    if [ ! -x "$EVAL_VENV/bin/python" ]; then
        say "creating the evaluation environment in $EVAL_VENV (lifetimes; not Odoo's)"
        "$EVAL_PYTHON" -m venv "$EVAL_VENV" || die "could not create a virtual environment in $EVAL_VENV."
    fi
    say "installing lifetimes 0.11.3 and numpy, pandas, scipy there"
    "$EVAL_VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO_DIR/tools/evaluate-requirements.txt" \
        >"$CACHE_DIR/eval-pip.log" 2>&1 ||
        die "pip could not install lifetimes (last lines of $CACHE_DIR/eval-pip.log: $(tail -n 3 "$CACHE_DIR/eval-pip.log" | tr '\n' ' '))."
    echo "$stamp" >"$EVAL_VENV/.retention-stamp"
fi
score() { "$EVAL_VENV/bin/python" "$REPO_DIR/tools/evaluate_health.py" "$@"; }
CDNOW=$(score --cdnow)

drop_all
rm -rf "$OUT"
mkdir -p "$OUT"
say "installing retention_loyalty (no demo data) in throwaway database $DB"
createdb "$DB" || die "could not create database $DB."
odoo -d "$DB" -i retention_loyalty --without-demo=all --stop-after-init --log-level=warn \
    >"$OUT/install.log" 2>&1 || die "install failed (log: $OUT/install.log)."
for split in "${SPLITS[@]}"; do
    calibration_end=${split%%:*}
    clone=${DB}_${calibration_end//-/}
    say "split $split: CDNOW purchases up to $calibration_end into $clone, then the loyalty cron"
    createdb -T "$DB" "$clone" || die "could not clone $DB into $clone."
    [ -d "$STATE_DIR/data/filestore/$DB" ] && cp -r "$STATE_DIR/data/filestore/$DB" "$STATE_DIR/data/filestore/$clone"
    "$VENV/bin/python" "$REPO_DIR/tools/evaluate_health_load.py" -c "$ODOO_CONF" -d "$clone" \
        --cdnow "$CDNOW" --calibration-end "$calibration_end" --out "$OUT/$calibration_end.tsv" \
        --horizon-days $(( ($(date -d "${split##*:}" +%s) - $(date -d "$calibration_end" +%s)) / 86400 )) \
        >"$OUT/$calibration_end.json" 2>"$OUT/$calibration_end.log" ||
        die "loading split $split failed (log: $OUT/$calibration_end.log)."
    [ "${EVAL_KEEP:-0}" = 1 ] || { dropdb "$clone"; rm -rf "$STATE_DIR/data/filestore/$clone"; }
done
say "fitting BG/NBD and Pareto/NBD, scoring"
score --dir "$OUT" --out "$STATE_DIR/evaluate_health.md" "${SPLITS[@]}"
say "done in $(($(date +%s) - started)) s"
