"""Load for the cadence engine, on a real database (used by `make bench` and
the whole-system concurrency and crash checks in tests/).

    python tools/cadence_load.py -c ODOO_CONF -d DB setup --orders 10000
    python tools/cadence_load.py -c ODOO_CONF -d DB run [--at EPOCH] [--crash-after N]
    python tools/cadence_load.py -c ODOO_CONF -d DB check

`setup` bulk-inserts customers and confirmed orders with SQL (one statement
each, not the sales UI flow); `run` runs the cadence cron with real commits
and prints its figures as JSON; `check` prints the ledger and activity counts.
"""

import argparse
import json
import os
import resource
import time

import odoo
from odoo import SUPERUSER_ID, api, sql_db

REPS = 10
ORDERS_PER_CUSTOMER = 2


def environment(args):
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    return registry.cursor()


RULES = {
    "248": "retention_loyalty.cadence_after_sale_248",
    # E-mails to customers: a checklist a week before the departure, weekly.
    "countdown": "retention_loyalty.cadence_countdown_emails",
}


def setup(env, orders, prefix, rule="248", holdout=0):
    """`orders` confirmed orders of today and the last 3 days, two per customer,
    for customers of REPS salespeople; only one rule active: the after-sale
    2-4-8, or the countdown e-mails (departures one to three weeks ahead, so
    that each order has one e-mail due today; customers with an address)."""
    cr = env.cr
    env["retention.cadence"].with_context(active_test=False).search([]).active = False
    env.ref(RULES[rule]).write({"active": True, "holdout_percent": holdout})
    reps = env["res.users"].create(
        [
            {
                "name": f"Bench Rep {i}",
                "login": f"bench_rep_{i}_{time.time_ns()}",
                "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
            }
            for i in range(REPS)
        ]
    )
    env.flush_all()
    customers = orders // ORDERS_PER_CUSTOMER
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, is_company, active, type, user_id,
                                    company_id, autopost_bills, email, email_normalized,
                                    create_date, write_date)
           SELECT %s || ' customer ' || g, %s || ' customer ' || g, true, true, 'contact',
                  (%s::int[])[1 + g %% %s], NULL, 'ask', 'c' || g || '@' || %s || '.example',
                  'c' || g || '@' || %s || '.example', now(), now()
             FROM generate_series(1, %s) g RETURNING id""",
        [prefix, prefix, reps.ids, REPS, prefix.lower(), prefix.lower(), customers],
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids]
    )
    company = env.company
    # With stock (make bench has the till, which brings it), an order needs
    # its picking policy.
    cr.execute("SELECT to_regclass('stock_picking') IS NOT NULL")
    stock = cr.fetchone()[0]
    cr.execute(
        f"""INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                                   date_order, state, company_id, currency_id, user_id,
                                   amount_untaxed, amount_total, currency_rate, create_date,
                                   write_date{", picking_policy" if stock else ""})
           SELECT %s || '/' || g, p.id, p.id, p.id,
                  now() AT TIME ZONE 'UTC' - make_interval(days => g %% 4), 'sale', %s, %s,
                  p.user_id, 100, 100, 1, now(), now(){", 'direct'" if stock else ""}
             FROM generate_series(0, %s - 1) g
             JOIN res_partner p ON p.id = (%s::int[])[1 + g %% %s]""",
        [prefix, company.id, company.currency_id.id, orders, partner_ids, len(partner_ids)],
    )
    if rule == "countdown":
        cr.execute(
            """UPDATE sale_order SET departure_date = CURRENT_DATE + 7 * (1 + id %% 3)
                WHERE name LIKE %s""",
            [f"{prefix}/%"],
        )
    cr.commit()
    return {"customers": customers, "orders": orders}


def run(env, crash_after=None):
    cadences = env["retention.cadence"]
    if crash_after is not None:
        # A worker killed in the middle of a batch: no cleanup, no commit.
        # Addons import once the config has set the addons path.
        from odoo.addons.retention_loyalty.models import retention_cadence_steps as engine  # noqa: PLC0415

        original = engine.RetentionCadence._step_activity
        calls = []

        def create_then_die(self, followups):
            calls.append(1)
            original(self, followups)
            if len(calls) > crash_after:
                os._exit(3)

        engine.RetentionCadence._step_activity = create_then_die
    # Every cursor's queries: the hourly run gives each rule a transaction of
    # its own (its chunk, models/retention_chunk.py).
    queries = sql_db.sql_counter
    start = time.perf_counter()
    created = cadences._cron_schedule_followups()
    seconds = time.perf_counter() - start
    env.cr.commit()
    return {
        "created": created,
        "seconds": round(seconds, 3),
        "per_second": round(created / seconds) if seconds else None,
        "queries": sql_db.sql_counter - queries,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def check(env, prefix):
    """Follow-ups and activities of the orders named PREFIX/..."""
    cr = env.cr
    cr.execute(
        """SELECT count(*), count(DISTINCT (f.step_id, f.res_id, f.occurrence)),
                  count(f.activity_id), count(DISTINCT f.activity_id)
             FROM retention_followup f JOIN sale_order so ON so.id = f.res_id
            WHERE f.res_model = 'sale.order' AND so.name LIKE %s""",
        [f"{prefix}/%"],
    )
    followups, distinct, linked, distinct_activities = cr.fetchone()
    cr.execute(
        """SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
                      SELECT 1 FROM retention_followup f WHERE f.activity_id = a.id))
             FROM mail_activity a JOIN sale_order so ON so.id = a.res_id
            WHERE a.res_model = 'sale.order' AND a.automated AND so.name LIKE %s""",
        [f"{prefix}/%"],
    )
    activities, orphans = cr.fetchone()
    # The hold-out: entries per customer, their group against the draw
    # (retention_cadence_holdout.holdout_bucket_sql), and held-out follow-ups.
    cr.execute(
        """SELECT count(e.id), count(DISTINCT so.partner_id),
                  count(e.id) FILTER (WHERE (e."group" = 'control') IS DISTINCT FROM (
                      mod(('x' || substr(md5(e.cadence_id::text || ':' || e.partner_id::text
                                              || ':' || e.period_start::text), 1, 8))
                          ::bit(32)::bigint, 10000) < r.holdout_percent * 100))
             FROM sale_order so
        LEFT JOIN retention_cadence_entry e ON e.partner_id = so.partner_id
        LEFT JOIN retention_cadence r ON r.id = e.cadence_id
            WHERE so.name LIKE %s""",
        [f"{prefix}/%"],
    )
    entry_rows, customers, off_draw = cr.fetchone()
    cr.execute(
        """SELECT count(*), count(f.activity_id)
             FROM retention_followup f JOIN sale_order so ON so.id = f.res_id
            WHERE f.res_model = 'sale.order' AND so.name LIKE %s AND f.state = 'held_out'""",
        [f"{prefix}/%"],
    )
    held_out, held_out_with_activity = cr.fetchone()
    return {
        # Each entry is counted once per order of its customer (two each).
        "entries": entry_rows // ORDERS_PER_CUSTOMER,
        "customers": customers,
        "entries_off_draw": off_draw // ORDERS_PER_CUSTOMER,
        "held_out_followups": held_out,
        "held_out_with_activity": held_out_with_activity,
        "followups": followups,
        "distinct_followups": distinct,
        "with_activity": linked,
        "distinct_activities": distinct_activities,
        "activities": activities,
        "orphan_activities": orphans,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("command", choices=["setup", "run", "check"])
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--rule", choices=sorted(RULES), default="248", help="the active rule")
    parser.add_argument("--prefix", default="BENCH", help="name prefix of the generated orders")
    parser.add_argument("--at", type=float, help="wait until this UNIX time before running")
    parser.add_argument("--crash-after", type=int, help="die inside batch N+1")
    parser.add_argument("--batch", type=int, help="batch size of the cron")
    parser.add_argument("--holdout", type=int, default=0, help="the rule's hold-out share (%)")
    args = parser.parse_args()
    with environment(args) as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.batch:
            # Addons import once the config has set the addons path.
            from odoo.addons.retention_loyalty.models import retention_cadence_run  # noqa: PLC0415

            retention_cadence_run.BATCH_SIZE = args.batch
        if args.command == "setup":
            result = setup(env, args.orders, args.prefix, args.rule, args.holdout)
        elif args.command == "run":
            if args.at:
                time.sleep(max(0.0, args.at - time.time()))
            result = run(env, args.crash_after)
        else:
            result = check(env, args.prefix)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
