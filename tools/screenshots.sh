#!/usr/bin/env bash
# make screenshots: install the addon with its demo data in a throwaway
# database, serve it, and retake the Apps page screenshots in headless Chromium.
source "$(dirname "$0")/env.sh"
ensure_all
DB=retention_shots_$$
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$STATE_DIR/logs/screenshots.log
mkdir -p "$STATE_DIR/logs"
cleanup() {
    if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; fi
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$STATE_DIR/data/filestore/$DB"
}
trap cleanup EXIT

say "installing retention_loyalty with demo data in throwaway database $DB"
odoo -d "$DB" -i retention_loyalty --stop-after-init --log-level=warn >"$LOG" 2>&1 ||
    die "install failed (log: $LOG)."
# A richly filled customer, the 2-4-8 rule, and a feedback link to answer.
ids=$(odoo shell -d "$DB" --log-level=warn 2>>"$LOG" <<'PY'
# A customer, not one of its contacts (they read their company's profile).
customer = env['res.partner'].search([('loyalty_tier_id', '!=', False), ('referral_count', '>', 0),
                                      ('parent_id', '=', False)],
                                     order='loyalty_revenue desc', limit=1)
request, _ = env['retention.feedback.request']._send_to(customer)
# The demo portal user works for that customer and referred two friends.
portal = env.ref('base.demo_user0')
portal.password = 'portal'
portal.partner_id.parent_id = customer
profile = env['retention.profile']._profiles_of(customer, env.company)
for name, email in (('Nadia Novak', 'nadia@example.com'), ('Oscar Olsen', 'oscar@example.com')):
    env['retention.referral']._create_from_page(profile, name, email, '10.0.0.5')
print('SHOTS', f'/retention/feedback/{request.access_token}', customer.id,
      env.ref('retention_loyalty.cadence_after_sale_248').id, profile.referral_code)
env.cr.commit()
PY
)
read -r _ feedback customer cadence referral_code < <(grep '^SHOTS ' <<<"$ids") || die "no demo customer found (log: $LOG)."
say "serving it on port $PORT"
# Not through the `odoo` function: $! must be the server itself, to stop it.
"$VENV/bin/python" -m odoo -c "$ODOO_CONF" -d "$DB" --http-port="$PORT" --log-level=warn >>"$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null && break; sleep 1; done
"$VENV/bin/python" "$REPO_DIR/tools/screenshots.py" "http://127.0.0.1:$PORT" "$feedback" "$customer" "$cadence" "$referral_code"
