"""The Odoo side of `make evaluate-health`, one CDNOW split per run, in a
database where the addon is installed (run by the Odoo environment's Python):

    python tools/evaluate_health_load.py -c ODOO_CONF -d DB --cdnow CDNOW_master.txt \
        --calibration-end 1997-09-30 --out profiles.tsv

Loads the purchases up to the calibration end as customers and confirmed
orders (one order per customer and day, same-day purchases added up, as
lifetimes does), shifted so that the calibration end is today, bulk-inserted
with SQL as `make bench` does (tools/scale_load.py); runs the loyalty cron;
writes, per customer, what the engine stored (and the health score when the
profile has that column) to a TSV file. Prints one JSON object.
"""

import argparse
import csv
import datetime
import json
import time
from collections import defaultdict

from scale_load import insert_customers

import odoo
from odoo import SUPERUSER_ID, api, fields

HEALTH_COLUMN = "health_score"
PREDICTION_COLUMNS = ["predicted_order_count", "predicted_revenue", "churn_probability"]


def read_calibration(path, calibration_end):
    """{customer id: {date: dollars}} of the purchases up to calibration_end."""
    days = defaultdict(lambda: defaultdict(float))
    with open(path) as lines:
        next(lines)  # header
        for line in lines:
            customer, day, _cds, dollars = line.split()
            day = datetime.datetime.strptime(day, "%Y%m%d").date()
            if day <= calibration_end:
                days[int(customer)][day] += float(dollars)
    return days


def has_column(cr, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = 'retention_profile' AND column_name = %s",
        [column],
    )
    return bool(cr.fetchone())


def has_health(cr):
    return has_column(cr, HEALTH_COLUMN)


def engine_today(env):
    """The engine's today (fields.Date.context_today), which must be the
    database's CURRENT_DATE too."""
    today = fields.Date.context_today(env["res.partner"])
    env.cr.execute("SELECT CURRENT_DATE")
    database_today = env.cr.fetchone()[0]
    if database_today != today:
        raise SystemExit(
            f"the engine's today ({today}) is not the database's CURRENT_DATE"
            f" ({database_today}): rerun away from midnight UTC."
        )
    return today


def load(env, days, shift):
    """The customers (one partner each, its CDNOW id as reference) and their
    orders, dates moved by `shift`: (partner ids, orders inserted)."""
    cr = env.cr
    company = env.company
    customers = sorted(days)
    _reps, ids = insert_customers(env, "CDNOW", len(customers))
    # Fresh statistics, or the planner expects the handful of partners of a new
    # database (as in scale_load.generate).
    cr.execute("ANALYZE res_partner")
    cr.execute(
        """UPDATE res_partner p SET commercial_partner_id = p.id, ref = v.customer
             FROM unnest(%s::int[], %s::text[]) v(id, customer) WHERE p.id = v.id""",
        [ids, [str(customer) for customer in customers]],
    )
    cr.execute("ANALYZE res_partner")
    partners, dates, amounts = [], [], []
    for partner, customer in zip(ids, customers):
        for day, dollars in sorted(days[customer].items()):
            partners.append(partner)
            dates.append(day + shift)
            amounts.append(round(dollars, 2))
    # Noon UTC: the engine's date_order::date is the purchase day in any case.
    cr.execute(
        """INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                                   date_order, state, company_id, currency_id, user_id,
                                   amount_untaxed, amount_total, currency_rate, create_date,
                                   write_date)
           SELECT 'CDNOW/' || o.n, o.p, o.p, o.p, o.d + time '12:00', 'sale', %s, %s,
                  c.user_id, o.a, o.a, 1, now(), now()
             FROM unnest(%s::int[], %s::date[], %s::numeric[]) WITH ORDINALITY o(p, d, a, n)
             JOIN res_partner c ON c.id = o.p""",
        [company.id, company.currency_id.id, partners, dates, amounts],
    )
    orders = cr.rowcount
    cr.execute("ANALYZE res_partner, sale_order")
    return ids, orders


def dump(env, ids, path):
    """Per loaded customer: CDNOW id, orders in the database, and the profile's
    first and last order dates, usual days between orders, health score."""
    cr = env.cr
    health = has_health(cr)
    predicted = has_column(cr, PREDICTION_COLUMNS[0])
    predictions = ", ".join(
        f"pr.{column}" if predicted else "NULL" for column in PREDICTION_COLUMNS
    )
    cr.execute(
        f"""SELECT p.ref, o.n, pr.first_order_date, pr.last_order_date,
                   pr.order_interval_days, {"pr." + HEALTH_COLUMN if health else "NULL"},
                   {predictions}
              FROM res_partner p
              JOIN (SELECT partner_id, count(*) AS n FROM sale_order
                     WHERE state = 'sale' GROUP BY partner_id) o ON o.partner_id = p.id
         LEFT JOIN retention_profile pr ON pr.partner_id = p.id AND pr.company_id = %s
             WHERE p.id = ANY(%s) ORDER BY p.id""",
        [env.company.id, ids],
    )
    rows = cr.fetchall()
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, delimiter="\t")
        writer.writerow(
            ["customer", "orders", "first", "last", "interval", HEALTH_COLUMN, *PREDICTION_COLUMNS]
        )
        writer.writerows(["" if value is None else value for value in row] for row in rows)
    return len(rows), sum(row[2] is not None for row in rows), health


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--cdnow", required=True, help="lifetimes' CDNOW_master.txt")
    parser.add_argument("--calibration-end", required=True, type=datetime.date.fromisoformat)
    parser.add_argument("--out", required=True, help="the TSV file written")
    parser.add_argument(
        "--horizon-days", type=int, help="the prediction horizon: the holdout's length"
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    days = read_calibration(args.cdnow, args.calibration_end)
    with odoo.modules.registry.Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = engine_today(env)
        shift = today - args.calibration_end
        start = time.perf_counter()
        ids, orders = load(env, days, shift)
        if args.horizon_days:
            env["ir.config_parameter"].set_param(
                "retention_loyalty.prediction_horizon_days", args.horizon_days
            )
        cr.commit()
        loaded = time.perf_counter()
        env["res.partner"]._cron_recompute_loyalty_profiles()
        cr.commit()
        recomputed = time.perf_counter()
        if engine_today(env) != today:
            raise SystemExit("the date changed during the run: rerun away from midnight UTC.")
        customers, profiles, health = dump(env, ids, args.out)
        company = env.company
        fitted = {
            name: getattr(company, f"retention_fit_{name}", None)
            for name in ("r", "alpha", "a", "b", "customers")
        }
    print(
        json.dumps(
            {
                "today": today.isoformat(),
                "calibration_end": args.calibration_end.isoformat(),
                "shift_days": shift.days,
                "customers": customers,
                "orders": orders,
                "profiles": profiles,
                "health_score": health,
                "load_seconds": round(loaded - start, 1),
                "cron_seconds": round(recomputed - loaded, 1),
                "fitted": fitted,
            }
        )
    )


if __name__ == "__main__":
    main()
