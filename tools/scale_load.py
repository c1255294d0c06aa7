"""The scale benchmark of `make bench`, one step per process so each step's
peak memory is its own:

    python tools/scale_load.py -c ODOO_CONF -d DB generate [--customers 100000 ...]
    python tools/scale_load.py -c ODOO_CONF -d DB recompute   # the loyalty cron
    python tools/scale_load.py -c ODOO_CONF -d DB floor       # raw SQL: aggregate + upsert
    python tools/scale_load.py -c ODOO_CONF -d DB views       # kanban and customer list
    python tools/scale_load.py -c ODOO_CONF -d DB reports

`generate` bulk-inserts a reproducible data set with SQL (no randomness: ids
and generate_series drive every value). Each step prints one JSON object.
"""

import argparse
import json
import os
import resource
import time

import cron_workers  # tools/ is the script's folder
from dateutil.relativedelta import relativedelta
from lxml import etree
from scale_channels import floor_purchases, insert_channels

import odoo
from odoo import SUPERUSER_ID, api, fields

REPS = 10
YEARS = 3
VIEW_RUNS = 5  # each screen request: the median of five

REPORTS = [
    ("retention.nps.report", ["date:month", "nps_category"], ["nps:avg", "__count"]),
    ("retention.loyalty.matrix", ["buying", "satisfaction"], ["revenue:sum", "__count"]),
    ("retention.churn.report", ["user_id"], ["revenue_at_risk:sum", "__count"]),
    ("retention.referral.report", ["user_id"], ["chain_revenue:sum", "chain_count:sum"]),
    ("retention.compliance.report", ["user_id", "compliance"], ["on_time:avg", "__count"]),
    ("retention.tier.history", ["date:month", "is_upgrade"], ["__count"]),
    ("retention.health.report", ["user_id", "health_band"], ["revenue:sum", "__count"]),
    ("retention.health.history", ["date:week", "band"], ["score:avg", "__count"]),
    # The reports that read every purchase channel (retention.purchase).
    ("retention.purchase", ["channel", "date:month"], ["amount:sum", "__count"]),
    ("retention.rate.report", ["period", "date:year"], ["retention_rate:avg", "__count"]),
    ("retention.cohort.report", ["cohort_date:year", "months_since"], ["revenue:sum"]),
    # The dashboard's sources not above: the funnel, the monthly rate of this year.
    ("retention.referral.funnel.report", ["month:month"], ["referral_count:sum", "revenue:sum"]),
]
# Reports read with the dashboard's domain: (name, model, domain, group by, aggregates).
DASHBOARD_READS = [
    (
        "dashboard_rate_this_year",
        "retention.rate.report",
        [("period", "=", "month"), ("date", ">=", f"{fields.Date.today().year}-01-01")],
        ["date:month"],
        ["previous_customers:sum", "returning_customers:sum"],
    ),
]
# The customer list's loyalty filters, as the search view defines them.
LIST_FILTERS = {
    "all": [],
    "advocates": [("advocacy_stage", "=", "advocate")],
    "health_poor": [("health_band", "=", "poor")],
    "key_accounts": [("is_key_account", "=", True)],
    "detractors": [("advocacy_stage", "=", "detractor")],
    "repeat_not_promoters": [
        ("loyalty_order_count", ">", 1),
        ("nps_category", "in", ("passive", "detractor")),
    ],
}
# The indexes the addon puts on retention_profile, on (company_id, column), and
# what in the views reads them (the partner fields join the current company's
# profile).
INDEXES = {
    "advocacy_stage": "kanban columns, Advocates / Detractors filters",
    "loyalty_tier_id": "tier filter and group-by",
    "is_key_account": "Key Accounts filter",
    "nps_category": "progress bars, Repeat Buyers Not Promoters filter",
}
PROGRESS_BAR = {
    "field": "nps_category",
    "colors": {"promoter": "success", "passive": "warning", "detractor": "danger"},
}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def timed(env, function, runs=1):
    """(result, seconds, queries) of function() run as one web request: warm
    registry caches (a first run untimed), an empty record cache; the median
    of `runs` runs (a request of a few milliseconds varies by half)."""
    function()
    measures = []
    for _run in range(runs):
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        result = function()
        measures.append((time.perf_counter() - start, env.cr.sql_log_count - queries))
    seconds, queries = sorted(measures)[len(measures) // 2]
    return result, seconds, queries


def insert_customers(env, label, customers):
    """REPS salespeople ("<label> Rep N", login "<label>_rep_N" in lower case)
    and `customers` companies ("<label> customer N") spread over them, in one
    INSERT: (the reps, the customers' consecutive ids)."""
    reps = env["res.users"].create(
        [
            {
                "name": f"{label} Rep {i}",
                "login": f"{label.lower()}_rep_{i}",
                "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
            }
            for i in range(REPS)
        ]
    )
    env.flush_all()
    env.cr.execute(
        """INSERT INTO res_partner (name, complete_name, is_company, active, type, company_id,
                                    user_id, customer_rank, autopost_bills, create_date,
                                    write_date)
           SELECT %s || ' customer ' || g, %s || ' customer ' || g, true, true, 'contact', NULL,
                  (%s::int[])[1 + g %% %s], 1, 'ask', now(), now()
             FROM generate_series(1, %s) g RETURNING id""",
        [label, label, reps.ids, REPS, customers],
    )
    return reps, [row[0] for row in env.cr.fetchall()]


def generate(env, customers, orders, feedback, referrals, *, mix=False):
    cr = env.cr
    company = env.company
    start = time.perf_counter()
    reps, ids = insert_customers(env, "Scale", customers)
    first, last = ids[0], ids[-1]  # one INSERT: consecutive ids
    # Fresh statistics, or the foreign-key checks plan for the handful of
    # partners of a new database and scan the table once per row.
    cr.execute("ANALYZE res_partner")
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id BETWEEN %s AND %s",
        [first, last],
    )
    # Every (customers // referrals)-th customer was referred by another one.
    cr.execute(
        """UPDATE res_partner c SET referred_by_id = (%s::int[])[1 + (c.id::bigint * 7919) %% %s]
            WHERE c.id BETWEEN %s AND %s AND c.id %% %s = 0""",
        [ids, len(ids), first, last, customers // referrals],
    )
    cr.execute("UPDATE res_partner SET referred_by_id = NULL WHERE referred_by_id = id")
    # Their referrals as the referral page records them (the Referral Funnel
    # reads these): the friend bought, on a day of the three years.
    cr.execute(
        """INSERT INTO retention_referral (referrer_id, referee_id, company_id, user_id,
                                           friend_name, email, state, date, date_bought,
                                           create_date, write_date)
           SELECT c.referred_by_id, c.id, %s, r.user_id, c.name, c.email, 'bought',
                  now() - make_interval(days => (c.id %% %s)),
                  (now() - make_interval(days => (c.id %% %s)))::date, now(), now()
             FROM res_partner c JOIN res_partner r ON r.id = c.referred_by_id
            WHERE c.id BETWEEN %s AND %s""",
        [company.id, 365 * YEARS, 365 * YEARS, first, last],
    )
    cr.execute("ANALYZE res_partner")
    days = 365 * YEARS
    # With stock (the till brings it), an order needs its picking policy.
    cr.execute("SELECT to_regclass('stock_picking') IS NOT NULL")
    stock = cr.fetchone()[0]
    cr.execute(
        f"""INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                                   date_order, state, company_id, currency_id, user_id,
                                   amount_untaxed, amount_total, currency_rate, create_date,
                                   write_date{", picking_policy" if stock else ""})
           SELECT 'SCALE/' || g, p, p, p,
                  now() AT TIME ZONE 'UTC' - make_interval(days => (g * 37) %% %s),
                  'sale', %s, %s, (%s::int[])[1 + g %% %s], amount, amount, 1, now(), now()
                  {", 'direct'" if stock else ""}
             FROM generate_series(0, %s - 1) g,
                  -- One order in ten goes to the top 2%% of customers, five times
                  -- bigger: they reach Gold and Platinum, the others Bronze/Silver.
                  LATERAL (SELECT CASE WHEN g %% 10 = 0
                                       THEN (%s::int[])[1 + (g / 10) %% %s]
                                       ELSE (%s::int[])[1 + g %% %s] END AS p,
                                  (50 + (g %% 40) * 25) * CASE WHEN g %% 10 = 0 THEN 5 ELSE 1 END
                                      AS amount) pick
            -- With --mix, the sale orders' share of the purchases (scale_channels.py).
            WHERE NOT %s OR g %% 20 < 12""",
        [
            days,
            company.id,
            company.currency_id.id,
            reps.ids,
            REPS,
            orders,
            ids,
            max(1, len(ids) // 50),
            ids,
            len(ids),
            mix,
        ],
    )
    channels = insert_channels(env, ids, orders, days) if mix else {}
    cr.execute(
        """INSERT INTO retention_feedback (partner_id, commercial_partner_id, date, score,
                                           effort_score, nps_category, nps_points, channel,
                                           company_id, create_date, write_date)
           SELECT p, p, CURRENT_DATE - (g * 13) %% %s, s, 1 + g %% 7,
                  CASE WHEN s >= 9 THEN 'promoter' WHEN s >= 7 THEN 'passive' ELSE 'detractor' END,
                  CASE WHEN s >= 9 THEN 100 WHEN s >= 7 THEN 0 ELSE -100 END,
                  'email', %s, now(), now()
             FROM generate_series(0, %s - 1) g,
                  LATERAL (SELECT (%s::int[])[1 + (g * 3) %% %s] AS p, (g * 7) %% 11 AS s) pick""",
        [days, company.id, feedback, ids, len(ids)],
    )
    cr.execute("ANALYZE")
    cr.execute(
        "SELECT (SELECT count(*) FROM sale_order WHERE name LIKE 'SCALE/%%'),"
        " (SELECT count(*) FROM res_partner WHERE referred_by_id IS NOT NULL)"
    )
    made_orders, made_referrals = cr.fetchone()
    return {
        "customers": len(ids),
        "orders": made_orders,
        "feedback": feedback,
        "referrals": made_referrals,
        **channels,
        "seconds": round(time.perf_counter() - start, 1),
    }


def recompute(env, batch=None, crash_after=None, workers=1):
    """The nightly cron over every customer (tiers, key accounts, stages): a
    first run that changes every profile and logs every change, then a rerun.
    With crash_after, the worker dies inside batch crash_after + 1. With
    `workers`, that many cron workers share the chunks (cron_workers.py)."""
    # Addons import once the config has set the addons path.
    from odoo.addons.retention_loyalty.models import retention_profile_engine as engine  # noqa: PLC0415

    if batch:
        engine.CRON_BATCH_SIZE = batch
    if crash_after is not None:
        original = engine.RetentionProfile._update_profiles
        calls = []

        def update_then_die(self, ids, key_cut=True, **kwargs):
            calls.append(1)
            changed = original(self, ids, key_cut=key_cut, **kwargs)
            if len(calls) > crash_after:
                os._exit(3)  # killed: no cleanup, no commit
            return changed

        engine.RetentionProfile._update_profiles = update_then_die
    cron = env["retention.profile"]._cron_recompute
    figures = {"workers": workers}
    # They stop when this process ends.
    cron_workers.spawn(odoo.tools.config.rcfile, env.cr.dbname, workers - 1)
    for run in ("first", "rerun"):
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        cron()
        figures[f"{run}_seconds"] = round(time.perf_counter() - start, 2)
        figures[f"{run}_queries"] = env.cr.sql_log_count - queries
        if run == "first":
            figures["peak_rss_mb"] = peak_rss_mb()
    env.cr.execute("SELECT count(DISTINCT done_by) FROM retention_chunk")
    figures["workers_seen"] = env.cr.fetchone()[0]
    # One profile per customer and company: the figures of every company.
    env.cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE loyalty_tier_id IS NOT NULL),"
        " count(*) FILTER (WHERE is_key_account), count(*) FILTER (WHERE advocacy_stage <> 'new')"
        " FROM retention_profile"
    )
    (
        figures["profiles"],
        figures["with_tier"],
        figures["key_accounts"],
        figures["with_stage"],
    ) = env.cr.fetchone()
    env.cr.execute("SELECT health_band, count(*) FROM retention_profile GROUP BY 1")
    figures["health_bands"] = {band or "none": count for band, count in env.cr.fetchall()}
    # The health statement alone over every profile (a rerun: nothing moves).
    env.cr.execute("SELECT DISTINCT partner_id FROM retention_profile ORDER BY 1")
    ids = [row[0] for row in env.cr.fetchall()]
    settings = env["retention.engine"]._settings()
    start = time.perf_counter()
    for first in range(0, len(ids), engine.CRON_BATCH_SIZE):
        env["retention.profile"]._health_update(
            ids[first : first + engine.CRON_BATCH_SIZE], settings
        )
    figures["health_statement_seconds"] = round(time.perf_counter() - start, 2)
    return figures


# The aggregate a recompute cannot skip: per commercial partner and company,
# the purchases of every channel in the company's currency (in the window and
# all time; credits net the revenue, sales count as orders).
FLOOR_QUERY = """
WITH agg AS (
    SELECT partner_id, company_id,
           COALESCE(SUM(amount) FILTER (WHERE day >= %(start)s), 0) AS revenue,
           COUNT(*) FILTER (WHERE is_order AND day >= %(start)s) AS orders,
           COUNT(*) FILTER (WHERE is_order) AS lifetime_orders,
           SUM(amount) AS lifetime_revenue,
           MIN(day) FILTER (WHERE is_order) AS first_date,
           MAX(day) FILTER (WHERE is_order) AS last_date
      FROM (%(purchases)s) purchases
  GROUP BY partner_id, company_id
)
INSERT INTO retention_profile AS cur (
    partner_id, company_id, loyalty_revenue, loyalty_order_count, lifetime_revenue,
    first_order_date, last_order_date, health_score, advocacy_stage, opportunity_level,
    create_uid, write_uid, create_date, write_date)
SELECT partner_id, company_id, revenue, orders, lifetime_revenue, first_date, last_date,
       -- The least of a health score: the two purchase factors, equally weighted.
       50 * power(0.5, (%(today)s - last_date)
                       / (2 * ((last_date - first_date) + 180)::float / (lifetime_orders + 1)))
       + 50 * (1 - power(0.5, orders / 2.0)),
       'new', 'medium',
       %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
  FROM agg
ON CONFLICT (partner_id, company_id) DO UPDATE SET
    loyalty_revenue = EXCLUDED.loyalty_revenue,
    loyalty_order_count = EXCLUDED.loyalty_order_count,
    lifetime_revenue = EXCLUDED.lifetime_revenue,
    first_order_date = EXCLUDED.first_order_date,
    last_order_date = EXCLUDED.last_order_date,
    health_score = EXCLUDED.health_score,
    write_uid = EXCLUDED.write_uid,
    write_date = EXCLUDED.write_date
"""


def floor(env):
    """The least a recompute can do: one aggregate over the orders per
    (commercial partner, company), the purchase part of the health score, and
    one bulk upsert into retention_profile,
    rolled back. Timed twice: over the profiles the recompute left (every row
    a conflict, so an update), and into an emptied table (every row an insert,
    as a first recompute)."""
    cr = env.cr
    months = int(
        env["ir.config_parameter"].sudo().get_param("retention_loyalty.evaluation_months", 12)
    )
    params = {
        "start": fields.Date.today() - relativedelta(months=months),
        "today": fields.Date.today(),
        "uid": env.uid,
    }
    figures = {}
    for run in ("upsert", "empty"):
        if run == "empty":
            cr.execute("TRUNCATE retention_profile")  # transactional: rolled back below
        start = time.perf_counter()
        cr.execute(FLOOR_QUERY.replace("%(purchases)s", floor_purchases(env)), params)
        figures[f"{run}_rows"] = cr.rowcount
        figures[f"{run}_seconds"] = round(time.perf_counter() - start, 2)
        cr.rollback()
    # `seconds`: the upsert, as the brief of the floor says.
    return {"seconds": figures["upsert_seconds"], "updated": figures["upsert_rows"], **figures}


def view_spec(env, model, view_type, view_ref):
    """The fields a view's records are read with, as the web client asks them."""
    view = env.ref(view_ref)
    arch = etree.fromstring(
        env[model].get_views([(view.id, view_type)])["views"][view_type]["arch"]
    )
    fields = env[model]._fields
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        field = fields[name]
        spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
        if node.get("widget") in ("kanban_activity", "list_activity"):
            for dependency in (
                "activity_exception_decoration",
                "activity_exception_icon",
                "activity_state",
                "activity_summary",
                "activity_type_icon",
            ):
                spec[dependency] = {}
            spec["activity_type_id"] = {"fields": {"display_name": {}}}
    return spec


def views(env):
    """Server side of opening the advocate kanban and the customer list with
    each loyalty filter, as a salesperson: queries and seconds per request,
    with the addon's indexes and without them (dropped in a transaction
    rolled back at once)."""
    figures = {"with_indexes": measure_views(env)}
    for column in INDEXES:
        env.cr.execute(f"DROP INDEX retention_profile_company_{column}_idx")
    figures["without_indexes"] = measure_views(env)
    env.cr.rollback()
    return figures


def measure_views(env):
    rep = env["res.users"].search([("login", "=", "scale_rep_0")])
    partners = env["res.partner"].with_user(rep).with_context(bin_size=True)
    action = env.ref("retention_loyalty.action_retention_advocates")
    domain = odoo.tools.safe_eval.safe_eval(action.domain)
    kanban = view_spec(
        partners.env, "res.partner", "kanban", "retention_loyalty.view_res_partner_advocacy_kanban"
    )
    listing = view_spec(
        partners.env, "res.partner", "list", "retention_loyalty.view_res_partner_retention_list"
    )
    order = "complete_name ASC, id DESC"
    # The web client opens the kanban with one request for the columns, one for
    # their progress bars and one per non-empty column for its first 80 cards.
    columns = partners.web_read_group(domain, ["__count"], ["advocacy_stage"], lazy=True)
    requests = [
        lambda: partners.web_read_group(domain, ["__count"], ["advocacy_stage"], lazy=True),
        lambda: partners.read_progress_bar(domain, "advocacy_stage", PROGRESS_BAR),
    ] + [
        lambda column=column: partners.web_search_read(
            column["__domain"], kanban, limit=80, order=order, count_limit=10001
        )
        for column in columns["groups"]
        if column["advocacy_stage_count"]
    ]
    measures = [timed(env, request, VIEW_RUNS)[1:] for request in requests]
    figures = {
        "kanban": {
            "requests": len(requests),
            "seconds": round(sum(seconds for seconds, _ in measures), 3),
            "max_request_seconds": round(max(seconds for seconds, _ in measures), 3),
            "queries": sum(queries for _, queries in measures),
            "max_request_queries": max(queries for _, queries in measures),
            # The columns and progress bars are grouped reads, the rest cards.
            "max_grouped_seconds": round(max(seconds for seconds, _ in measures[:2]), 3),
            "max_cards_seconds": round(max(seconds for seconds, _ in measures[2:]), 3),
        }
    }
    figures["contacts"] = measure_contacts(env, partners)
    tiers = {
        f"{tier}_tier": [("loyalty_tier_id", "=", env.ref(f"retention_loyalty.tier_{tier}").id)]
        for tier in ("bronze", "platinum")
    }
    for name, extra in dict(LIST_FILTERS, **tiers).items():
        result, seconds, queries = timed(
            env,
            lambda extra=extra: partners.web_search_read(
                domain + extra, listing, limit=80, order=order, count_limit=10001
            ),
            VIEW_RUNS,
        )
        figures[f"list_{name}"] = {
            "rows": result["length"],
            "seconds": round(seconds, 3),
            "queries": queries,
        }
    return figures


def measure_contacts(env, partners):
    """The floor a rep already lives with: the same requests on Odoo's own
    Contacts kanban and list (its action's domain, its views), on the same
    database and as the same user. The Advocates kanban's grouped requests
    compare with Contacts grouped by salesperson (a group-by of its search
    view), its cards and the customer list with Contacts' 80 first cards and
    rows."""
    action = env.ref("contacts.action_contacts")
    domain = odoo.tools.safe_eval.safe_eval(action.domain or "[]")
    # As the rep gets them: without the fields of groups they are not in.
    kanban = view_spec(partners.env, "res.partner", "kanban", "base.res_partner_kanban_view")
    listing = view_spec(partners.env, "res.partner", "list", "base.view_partner_tree")
    order = "complete_name ASC, id DESC"
    requests = {
        "grouped": lambda: partners.web_read_group(domain, ["__count"], ["user_id"], lazy=True),
        "cards": lambda: partners.web_search_read(
            domain, kanban, limit=80, order=order, count_limit=10001
        ),
        "list": lambda: partners.web_search_read(
            domain, listing, limit=80, order=order, count_limit=10001
        ),
    }
    figures = {}
    for name, request in requests.items():
        _, seconds, queries = timed(env, request, VIEW_RUNS)
        figures[name] = {"seconds": round(seconds, 3), "queries": queries}
    return figures


def reports(env):
    figures = {}
    reads = [(model, model, [], groupby, aggregates) for model, groupby, aggregates in REPORTS]
    for name, model, domain, groupby, aggregates in reads + DASHBOARD_READS:
        _, seconds, queries = timed(
            env,
            lambda m=model, d=domain, g=groupby, a=aggregates: env[m]._read_group(d, g, a),
        )
        figures[name] = {"seconds": round(seconds, 3), "queries": queries}
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("step", choices=["generate", "recompute", "floor", "views", "reports"])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--orders", type=int, default=1000000)
    parser.add_argument("--feedback", type=int, default=200000)
    parser.add_argument("--referrals", type=int, default=20000)
    parser.add_argument("--batch", type=int, help="recompute: customers per committed batch")
    parser.add_argument("--crash-after", type=int, help="recompute: die inside batch N+1")
    parser.add_argument("--workers", type=int, default=1, help="recompute: cron workers")
    parser.add_argument(
        "--mix",
        action="store_true",
        help="generate: 60 %% sale orders, 25 %% till orders, 15 %% direct invoices, "
        "credit notes on 3 %% (needs point_of_sale)",
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with odoo.modules.registry.Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.step == "generate":
            result = generate(
                env, args.customers, args.orders, args.feedback, args.referrals, mix=args.mix
            )
        elif args.step == "recompute":
            result = recompute(env, args.batch, args.crash_after, args.workers)
        else:
            result = globals()[args.step](env)
        cr.commit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
