"""A rep's everyday actions on the scale database of `make bench`, with the
addon's immediate hooks and without them, in one process; and the install of
the addon on an existing database (`make bench` with BENCH_INSTALL=1):

    python tools/everyday_load.py -c ODOO_CONF -d DB actions       # after scale_load.py
    python tools/everyday_load.py -c ODOO_CONF -d DB install-data  # sale_management only
    python tools/everyday_load.py -c ODOO_CONF -d DB first-pass    # once the addon is in

`actions` undoes every measure (a savepoint rolled back each) and commits
nothing. "Without the hooks": the loyalty recompute and the cadence trigger
the addon runs when an order, a contact or an answer is saved are no-ops on
the registry classes, restored at once. Each step prints one JSON object.
"""

import argparse
import json
import resource
import statistics
import time
from contextlib import contextmanager, nullcontext

from everyday_channels import channel_actions  # tools/ is the script's own folder
from scale_load import insert_customers

import odoo
from odoo import SUPERUSER_ID, Command, api

RUNS = 10
IMPORT_RUNS = 5
IMPORT_SIZE = 100
# The addon's immediate hooks: what an order, a contact or an answer saved runs.
HOOKS = [
    ("res.partner", "_loyalty_recompute", lambda self: None),
    ("retention.cadence", "_trigger_scheduling", lambda self: None),
]
REPS = 10
YEARS = 3


@contextmanager
def hooks_off(env):
    """The addon's hooks as no-ops on the registry classes, restored after."""
    saved = []
    for model, name, replacement in HOOKS:
        cls = env.registry[model]
        saved.append((cls, name, cls.__dict__.get(name)))
        setattr(cls, name, replacement)
    try:
        yield
    finally:
        for cls, name, original in saved:
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)


@contextmanager
def undone(env):
    """A savepoint rolled back: the cache, pending hooks and writes go."""
    savepoint = env.cr.savepoint()  # flushes what came before
    try:
        yield
    finally:
        savepoint.close(rollback=True)
        env.cr.postcommit.clear()
        env.invalidate_all(flush=False)


def measure(env, prepare, act, hooks=True):
    """(seconds, queries) of act(prepare()) and the flush a web request ends
    with (precommit hooks included: the chatter's tracking), from an empty
    record cache; prepare() is not timed."""
    with undone(env), nullcontext() if hooks else hooks_off(env):
        subject = prepare()
        env.flush_all()
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        act(subject)
        env.cr.flush()
        return time.perf_counter() - start, env.cr.sql_log_count - queries


def compare(env, runs, prepare, act, without=True):
    """Medians of `runs` measures with the hooks (and without them), the two
    interleaved so the machine's noise falls on both; one warm-up run each."""
    variants = [True, False] if without else [True]
    samples = {hooks: [] for hooks in variants}
    for hooks in variants:
        measure(env, lambda: prepare(runs), act, hooks)
    for run in range(runs):
        for hooks in variants if run % 2 == 0 else variants[::-1]:
            samples[hooks].append(measure(env, lambda run=run: prepare(run), act, hooks))
    figures = {}
    for hooks, values in samples.items():
        suffix = "" if hooks else "_without_hooks"
        figures[f"ms{suffix}"] = round(statistics.median(s for s, _ in values) * 1000, 1)
        figures[f"queries{suffix}"] = int(statistics.median(q for _, q in values))
    if without:
        figures["ratio"] = round(figures["ms"] / figures["ms_without_hooks"], 2)
    return figures


def actions(env):
    """A salesperson (scale_rep_0) confirms a one-line quotation of one of
    their customers, imports 100 contacts under existing customers in one
    create, logs a detractor's new answer; and the immediate recompute alone for
    one customer (nothing changed, then a bigger order)."""
    rep = env["res.users"].search([("login", "=", "scale_rep_0")])
    # A salesperson made in Settings gets "Contact Creation" with the default
    # groups; the generated ones only have Sales (rolled back below).
    rep.groups_id = [Command.link(env.ref("base.group_partner_manager").id)]
    product = env["product.product"].create(
        {"name": "Bench product", "list_price": 100.0, "type": "consu"}
    )
    needed = RUNS + 1 + (IMPORT_RUNS + 1) * IMPORT_SIZE  # warm-up runs included
    env.cr.execute(
        """SELECT p.id FROM res_partner p
             JOIN retention_profile pr ON pr.partner_id = p.id AND pr.company_id = %s
            WHERE p.name LIKE 'Scale customer %%' AND p.user_id = %s
              AND pr.loyalty_tier_id IS NOT NULL
         ORDER BY p.id LIMIT %s""",
        [env.company.id, rep.id, needed],
    )
    customers = [row[0] for row in env.cr.fetchall()]
    assert len(customers) == needed, f"{len(customers)} customers of {rep.login}, {needed} needed"
    as_rep = env(user=rep)
    figures = {}

    def quotation(run):
        return as_rep["sale.order"].create(
            {
                "partner_id": customers[run],
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": 1, "price_unit": 100.0}
                    )
                ],
            }
        )

    figures["confirm"] = compare(env, RUNS, quotation, lambda order: order.action_confirm())

    def contacts(run):
        parents = customers[RUNS + 1 :][run * IMPORT_SIZE : (run + 1) * IMPORT_SIZE]
        return [
            {"parent_id": parent, "name": f"Imported {run}-{i}", "email": f"i{run}-{i}@example.com"}
            for i, parent in enumerate(parents)
        ]

    figures["import_100_contacts"] = compare(
        env, IMPORT_RUNS, contacts, as_rep["res.partner"].create
    )
    # The answer a rep logs most: a detractor's second chance (a 9 moves them
    # to promoter). Customers in the same state at every size, so that the
    # queries compare from one size to the other.
    env.cr.execute(
        """SELECT p.id FROM res_partner p
             JOIN retention_profile pr ON pr.partner_id = p.id AND pr.company_id = %s
            WHERE p.name LIKE 'Scale customer %%' AND p.user_id = %s
              AND pr.advocacy_stage = 'detractor' AND pr.loyalty_tier_id IS NOT NULL
         ORDER BY p.id LIMIT %s""",
        [env.company.id, rep.id, RUNS + 1],
    )
    detractors = [row[0] for row in env.cr.fetchall()]
    figures["feedback"] = compare(
        env,
        RUNS,
        lambda run: detractors[run],
        lambda partner: as_rep["retention.feedback"].create({"partner_id": partner, "score": 9}),
        without=False,
    )
    customer = as_rep["res.partner"].browse(customers[0])
    figures["immediate_unchanged"] = compare(
        env, RUNS, lambda run: customer, lambda partner: partner._loyalty_recompute(), False
    )

    def bigger_order(run):
        # The customer's latest order five times bigger: revenue, maybe tier.
        env.cr.execute(
            """UPDATE sale_order SET amount_untaxed = amount_untaxed * 5
                WHERE id = (SELECT id FROM sale_order WHERE partner_id = %s
                          ORDER BY date_order DESC LIMIT 1)""",
            [customers[run]],
        )
        return as_rep["res.partner"].browse(customers[run])

    figures["immediate_changed"] = compare(
        env, RUNS, bigger_order, lambda partner: partner._loyalty_recompute(), False
    )
    if "pos.order" in env:  # the till and its bridge (make bench installs them)
        figures.update(channel_actions(env, customers, compare, RUNS))
    env.cr.rollback()
    return figures


def install_data(env, customers, contacts, orders):
    """A database of an existing business without the addon: customers (companies),
    contacts under them, confirmed (and some cancelled) orders over 3 years."""
    cr = env.cr
    company = env.company
    start = time.perf_counter()
    reps, ids = insert_customers(env, "Install", customers)
    cr.execute("ANALYZE res_partner")
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids])
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, is_company, active, type, company_id,
                                    parent_id, commercial_partner_id, user_id, email,
                                    autopost_bills, create_date, write_date)
           SELECT 'Contact ' || g, c.name || ', Contact ' || g, false, true, 'contact', NULL,
                  c.id, c.id, c.user_id, 'contact' || g || '@example.com', 'ask', now(), now()
             FROM generate_series(1, %s) g
             JOIN res_partner c ON c.id = (%s::int[])[1 + (g * 7) %% %s]
           RETURNING id""",
        [contacts, ids, len(ids)],
    )
    contact_ids = [row[0] for row in cr.fetchall()]
    cr.execute("ANALYZE res_partner")
    # One order in five is placed by a contact (it counts for their company),
    # one in twenty was cancelled.
    cr.execute(
        """INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                                   date_order, state, company_id, currency_id, user_id,
                                   amount_untaxed, amount_total, currency_rate, create_date,
                                   write_date)
           SELECT 'INSTALL/' || g, p, p, p,
                  now() AT TIME ZONE 'UTC' - make_interval(days => (g * 37) %% %s),
                  CASE WHEN g %% 20 = 7 THEN 'cancel' ELSE 'sale' END, %s, %s,
                  (%s::int[])[1 + g %% %s], amount, amount, 1, now(), now()
             FROM generate_series(0, %s - 1) g,
                  LATERAL (SELECT CASE WHEN g %% 5 = 0
                                       THEN (%s::int[])[1 + (g / 5) %% %s]
                                       ELSE (%s::int[])[1 + g %% %s] END AS p,
                                  50 + (g %% 40) * 25 AS amount) pick""",
        [
            365 * YEARS,
            company.id,
            company.currency_id.id,
            reps.ids,
            REPS,
            orders,
            contact_ids,
            len(contact_ids),
            ids,
            len(ids),
        ],
    )
    made_orders = cr.rowcount
    cr.execute("ANALYZE")
    cr.execute("SELECT count(*) FROM res_partner")
    return {
        "partners": cr.fetchone()[0],
        "customers": len(ids),
        "contacts": len(contact_ids),
        "orders": made_orders,
        "seconds": round(time.perf_counter() - start, 1),
    }


def first_pass(env):
    """The first profile pass after the install: the nightly cron, timed."""
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    env["res.partner"]._cron_recompute_loyalty_profiles()
    seconds = time.perf_counter() - start
    env.cr.execute(
        "SELECT count(*), count(loyalty_tier_id), count(*) FILTER (WHERE is_key_account)"
        " FROM retention_profile"
    )
    profiles, with_tier, key_accounts = env.cr.fetchone()
    return {
        "seconds": round(seconds, 1),
        "queries": env.cr.sql_log_count - queries,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "profiles": profiles,
        "with_tier": with_tier,
        "key_accounts": key_accounts,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("step", choices=["actions", "install-data", "first-pass"])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--contacts", type=int, default=20000)
    parser.add_argument("--orders", type=int, default=1000000)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with odoo.modules.registry.Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.step == "actions":
            result = actions(env)
        elif args.step == "install-data":
            result = install_data(env, args.customers, args.contacts, args.orders)
        else:
            result = first_pass(env)
        cr.commit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
