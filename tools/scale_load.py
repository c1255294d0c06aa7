"""Time the retention reports on a large generated data set (used by
`make bench`): customers, orders, feedback and referrals bulk-inserted with
SQL, profiles computed by the loyalty cron, then each report's grouped read
timed as the web client does it.

    python tools/report_load.py -c ODOO_CONF -d DB --customers 100000
"""

import argparse
import json
import time

import odoo
from odoo import SUPERUSER_ID, api

ORDERS_PER_CUSTOMER = 3
FEEDBACK_SHARE = 2  # one customer in two answered
REFERRAL_SHARE = 5  # one customer in five was referred

REPORTS = [
    ("retention.nps.report", ["date:month", "nps_category"], ["nps:avg", "__count"]),
    ("retention.loyalty.matrix", ["buying", "satisfaction"], ["revenue:sum", "__count"]),
    ("retention.churn.report", ["user_id"], ["revenue_at_risk:sum", "__count"]),
    ("retention.referral.report", ["user_id"], ["chain_revenue:sum", "chain_count:sum"]),
    ("retention.compliance.report", ["user_id", "compliance"], ["on_time:avg", "__count"]),
    ("retention.tier.history", ["date:month", "is_upgrade"], ["__count"]),
]


def generate(env, customers):
    cr = env.cr
    company = env.company
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, is_company, active, type, company_id,
                                    autopost_bills, advocacy_stage, create_date, write_date)
           SELECT 'Report customer ' || g, 'Report customer ' || g, true, true, 'contact',
                  NULL, 'ask', 'new', now(), now()
             FROM generate_series(1, %s) g RETURNING id""",
        [customers],
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids])
    cr.execute(
        """UPDATE res_partner c SET referred_by_id = (%s::int[])[1 + (c.id * 7919) %% %s]
            WHERE c.id = ANY(%s) AND c.id %% %s = 0""",
        [ids, len(ids), ids, REFERRAL_SHARE],
    )
    cr.execute("UPDATE res_partner SET referred_by_id = NULL WHERE referred_by_id = id")
    cr.execute(
        """INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                                   date_order, state, company_id, currency_id, amount_untaxed,
                                   amount_total, currency_rate, create_date, write_date)
           SELECT 'RPT/' || g, p, p, p,
                  now() AT TIME ZONE 'UTC' - make_interval(days => (g * 37) %% 700),
                  'sale', %s, %s, 50 + (g %% 40) * 25, 50 + (g %% 40) * 25, 1, now(), now()
             FROM generate_series(0, %s - 1) g,
                  LATERAL (SELECT (%s::int[])[1 + g %% %s] AS p) pick""",
        [company.id, company.currency_id.id, customers * ORDERS_PER_CUSTOMER, ids, len(ids)],
    )
    cr.execute(
        """INSERT INTO retention_feedback (partner_id, commercial_partner_id, date, score,
                                           effort_score, nps_category, nps_points, channel,
                                           company_id, create_date, write_date)
           SELECT p, p, CURRENT_DATE - (g * 13) %% 360, s, 1 + g %% 7,
                  CASE WHEN s >= 9 THEN 'promoter' WHEN s >= 7 THEN 'passive' ELSE 'detractor' END,
                  CASE WHEN s >= 9 THEN 100 WHEN s >= 7 THEN 0 ELSE -100 END,
                  'email', %s, now(), now()
             FROM generate_series(0, %s - 1) g,
                  LATERAL (SELECT (%s::int[])[1 + g * %s] AS p, (g * 7) %% 11 AS s) pick""",
        [company.id, customers // FEEDBACK_SHARE, ids, FEEDBACK_SHARE],
    )
    cr.execute("ANALYZE")
    cr.commit()
    start = time.perf_counter()
    env["res.partner"]._cron_recompute_loyalty_profiles()
    cr.commit()
    return {
        "customers": customers,
        "profile_recompute_seconds": round(time.perf_counter() - start, 2),
    }


def time_reports(env):
    figures = {}
    for model, groupby, aggregates in REPORTS:
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        env[model]._read_group([], groupby, aggregates)
        figures[model] = {
            "seconds": round(time.perf_counter() - start, 3),
            "queries": env.cr.sql_log_count - queries,
        }
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=100000)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with odoo.modules.registry.Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = generate(env, args.customers)
        result["reports"] = time_reports(env)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
