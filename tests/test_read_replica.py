"""Whole-system check: the screens a rep and a customer open run on Odoo's
read replica. `make test` starts a PostgreSQL hot standby of the test cluster
(tools/replica.sh); Odoo serves the database with --db_replica_host and two
workers, and sends read-only requests (the web client's reads, the customer's
GET pages) to the standby. A request that writes fails over to the primary
and logs "retrying with a read/write cursor": none may."""

import ast
import os
import re
import subprocess
import time

import pytest
import requests
from lxml import etree
from test_lifecycle import CONF, PYTHON, database, free_port, odoo, sql  # noqa: F401
from test_public_races import serve

REPLICA_HOST = os.environ.get("RETENTION_REPLICA_HOST")
REPLICA_PORT = os.environ.get("RETENTION_REPLICA_PORT")
RETRY = "retrying with a read/write cursor"
FILTERS = 20  # the customers' search view: 14 filters and 6 group-bys at least
REPORT_TRANSACTIONS = 20
OK = 200
EUROPE_ORDER = 900.0  # the member's order in the second company (SETUP)
SETUP = """
from odoo import Command
company = env.company
product = env['product.product'].create({'name': 'Replica widget', 'list_price': 100})
member = env['res.partner'].create({'name': 'Replica Member', 'is_company': True,
                                    'email': 'member@replica.example'})
for _order in range(3):
    order = env['sale.order'].create({'partner_id': member.id, 'order_line': [
        Command.create({'product_id': product.id, 'price_unit': 2000})]})
    order.action_confirm()
env['retention.feedback'].create({'partner_id': member.id, 'score': 9})
newcomer = env['res.partner'].create({'name': 'Replica Newcomer', 'is_company': True})
for login, partner in (('replica_member', member), ('replica_newcomer', newcomer)):
    user = env['res.users'].create({'name': login, 'login': login, 'password': login + '_pw',
                                    'groups_id': [Command.set([env.ref('base.group_portal').id])]})
    user.partner_id.parent_id = partner
rep_groups = [env.ref('sales_team.group_sale_salesman_all_leads').id,
              env.ref('retention_loyalty.group_retention_user').id]
# A second company in euros: the member buys there too; the rep works in both.
eur = env.ref('base.EUR')
eur.active = True
europe = env['res.company'].create({'name': 'Replica Europe', 'currency_id': eur.id})
env['res.users'].create({'name': 'Replica Rep', 'login': 'replica_rep',
                         'password': 'replica_rep_pw', 'groups_id': [Command.set(rep_groups)],
                         'company_ids': [Command.set([company.id, europe.id])],
                         'company_id': company.id})
order = env['sale.order'].with_company(europe).create({
    'partner_id': member.id, 'company_id': europe.id,
    'order_line': [Command.create({'product_id': product.id, 'price_unit': 900})]})
order.action_confirm()
env['res.partner']._cron_recompute_loyalty_profiles()
env.cr.commit()
print('MEMBER', member.id, env['retention.profile']._profiles_of(member, company).referral_code,
      europe.id)
"""


@pytest.fixture(scope="module")
def served(database):  # noqa: F811 (the fixture)
    if not (REPLICA_HOST and REPLICA_PORT):
        pytest.fail("run this check through `make test` (no hot standby: RETENTION_REPLICA_HOST)")
    odoo(database, "-i", "retention_loyalty", "--stop-after-init")
    member_id, code, europe = odoo(database, script=SETUP).split("MEMBER ")[1].split()
    wait_for_replica(database)
    server, base = serve(
        database,
        2,
        f"--db_replica_host={REPLICA_HOST}",
        f"--db_replica_port={REPLICA_PORT}",
    )
    yield {
        "base": base,
        "member": int(member_id),
        "code": code,
        "europe": int(europe),
        "dbname": database,
    }
    server.terminate()
    _out, err = server.communicate(timeout=60)
    problems = [line for line in err.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)]
    assert not problems, err[-4000:]
    retries = [line for line in err.splitlines() if RETRY in line]
    assert not retries, "\n".join(retries)


def on_replica(query, dbname="postgres"):
    return subprocess.run(
        ["psql", "-h", REPLICA_HOST, "-p", REPLICA_PORT, "-d", dbname, "-Atqc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def wait_for_replica(dbname):
    """Until the standby has replayed what the primary has written."""
    target = sql(dbname, "SELECT pg_current_wal_lsn()")
    deadline = time.time() + 120
    while time.time() < deadline:
        if on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
            return
        time.sleep(0.5)
    pytest.fail("the hot standby did not catch up within 120 s")


def replica_transactions(dbname):
    return int(on_replica(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{dbname}'"))


def assert_served_by_replica(dbname, before, at_least):
    """The standby committed at least this many transactions of the database
    since `before` (its backends report their counts within about 10 s)."""
    deadline = time.time() + 15
    while (served := replica_transactions(dbname) - before) < at_least:
        assert time.time() < deadline, f"only {served} transactions on the replica"
        time.sleep(0.5)


def login(base, dbname, user):
    session = requests.Session()
    response = session.post(
        f"{base}/web/session/authenticate",
        json={"params": {"db": dbname, "login": user, "password": f"{user}_pw"}},
        timeout=60,
    )
    assert response.json().get("result", {}).get("uid"), response.text[:500]
    return session


def call(session, base, model, method, *args, **kwargs):
    response = session.post(
        f"{base}/web/dataset/call_kw/{model}/{method}",
        json={"params": {"model": model, "method": method, "args": args, "kwargs": kwargs}},
        timeout=120,
    )
    body = response.json()
    assert "error" not in body, f"{model}.{method}: {body.get('error')}"
    return body["result"]


def search_filters(session, base, uid):
    """(domain, group_by) of each filter of the customers' search view."""
    views = call(
        session,
        base,
        "res.partner",
        "get_views",
        views=[[False, "search"]],
        options={"action_id": False, "load_filters": False, "toolbar": False},
        context={"search_view_ref": "retention_loyalty.view_res_partner_retention_search"},
    )
    arch = etree.fromstring(views["views"]["search"]["arch"])
    filters = []
    for node in arch.iter("filter"):
        domain = node.get("domain")
        if domain and "context_today" in domain:
            continue  # a date the web client computes: "Next Order Overdue" below
        domain = ast.literal_eval(domain.replace("uid", str(uid))) if domain else []
        group_by = ast.literal_eval(node.get("context") or "{}").get("group_by")
        filters.append((node.get("name"), domain, group_by))
    return filters


def test_a_reps_screens_run_on_the_replica(served):
    base, dbname = served["base"], served["dbname"]
    session = login(base, dbname, "replica_rep")
    uid = int(sql(dbname, "SELECT id FROM res_users WHERE login = 'replica_rep'"))
    before = replica_transactions(dbname)
    customers = [("parent_id", "=", False), ("customer_rank", ">", 0)]
    spec = {
        name: {}
        for name in (
            "display_name",
            "loyalty_tier_id",
            "advocacy_stage",
            "health_score",
            "health_band",
            "satisfaction_score",
            "loyalty_revenue",
            "churn_probability",
        )
    }
    # The Advocates kanban: its columns, then each column's cards.
    groups = call(
        session,
        base,
        "res.partner",
        "web_read_group",
        domain=customers,
        fields=["advocacy_stage"],
        groupby=["advocacy_stage"],
        lazy=True,
    )
    assert groups["length"] >= 1
    for group in groups["groups"]:
        call(session, base, "res.partner", "web_search_read", domain=group["__domain"],
             specification=spec, limit=40)  # fmt: skip
    # The customer list with each filter and group-by of its search view.
    filters = search_filters(session, base, uid)
    assert len(filters) >= FILTERS, [name for name, _d, _g in filters]
    for _name, domain, group_by in filters:
        if group_by:
            call(session, base, "res.partner", "web_read_group", domain=customers,
                 fields=[group_by.split(":")[0]], groupby=[group_by], lazy=True)  # fmt: skip
        else:
            call(session, base, "res.partner", "web_search_read", domain=customers + domain,
                 specification=spec, limit=80)  # fmt: skip
    # The customer's form: its Loyalty tab and the health explanation.
    form = call(
        session,
        base,
        "res.partner",
        "web_read",
        [served["member"]],
        specification={**spec, "health_explanation": {}, "tier_keep_hint": {}},
    )
    assert form[0]["loyalty_tier_id"], form
    # Every report.
    for model in (
        "retention.health.report",
        "retention.churn.report",
        "retention.rate.report",
        "retention.cohort.report",
        "retention.referral.funnel.report",
        "retention.referral.report",
        "retention.nps.report",
        "retention.loyalty.matrix",
        "retention.compliance.report",
        "retention.cadence.impact",
    ):
        call(session, base, model, "web_read_group", domain=[], fields=[], groupby=[], lazy=True)
        call(session, base, model, "web_search_read", domain=[], specification={}, limit=80)
    assert_served_by_replica(dbname, before, len(filters) + REPORT_TRANSACTIONS)


def test_a_reps_screens_in_the_second_company_run_on_the_replica(served):
    # The company switcher: the member's profile there, the newcomer none (a
    # read must not make one), the figures in euros.
    base, dbname = served["base"], served["dbname"]
    session = login(base, dbname, "replica_rep")
    main = int(sql(dbname, "SELECT company_id FROM res_users WHERE login = 'replica_rep'"))
    context = {"allowed_company_ids": [served["europe"], main]}
    before = replica_transactions(dbname)
    customers = [("parent_id", "=", False), ("customer_rank", ">", 0)]
    spec = {"display_name": {}, "loyalty_tier_id": {}, "advocacy_stage": {},
            "health_band": {}, "loyalty_revenue": {}, "loyalty_currency_id": {}}  # fmt: skip
    groups = call(session, base, "res.partner", "web_read_group", domain=customers,
                  fields=["advocacy_stage"], groupby=["advocacy_stage"], lazy=True,
                  context=context)  # fmt: skip
    for group in groups["groups"]:
        call(session, base, "res.partner", "web_search_read", domain=group["__domain"],
             specification=spec, limit=40, context=context)  # fmt: skip
    newcomer = int(sql(dbname, "SELECT id FROM res_partner WHERE name = 'Replica Newcomer'"))
    form = call(
        session,
        base,
        "res.partner",
        "web_read",
        [served["member"], newcomer],
        specification={**spec, "health_explanation": {}, "tier_keep_hint": {}},
        context=context,
    )
    member = next(record for record in form if record["id"] == served["member"])
    assert member["loyalty_revenue"] == EUROPE_ORDER, member  # that order alone
    eur = int(sql(dbname, "SELECT id FROM res_currency WHERE name = 'EUR'"))
    assert member["loyalty_currency_id"] == eur, member
    for model in ("retention.health.report", "retention.rate.report", "retention.nps.report"):
        call(session, base, model, "web_read_group", domain=[], fields=[], groupby=[],
             lazy=True, context=context)  # fmt: skip
    assert sql(dbname, "SELECT count(*) FROM retention_profile p JOIN res_partner c "
               "ON c.id = p.partner_id WHERE c.name = 'Replica Newcomer'") == "0"  # fmt: skip
    assert_served_by_replica(dbname, before, 6)


def test_a_customers_pages_run_on_the_replica(served):
    base, dbname = served["base"], served["dbname"]
    before = replica_transactions(dbname)
    pages = {}
    for user in ("replica_member", "replica_newcomer"):
        session = login(base, dbname, user)
        page = session.get(f"{base}/my/loyalty", timeout=60)
        assert page.status_code == OK and "My Loyalty" in page.text, page.text[:500]
        pages[user] = page.text
    assert "Replica Member" in pages["replica_member"], "the member's card"
    assert "/retention/referral/" in pages["replica_member"]
    # The newcomer's: nothing is made on a GET, a button asks for the link.
    assert "Get my referral link" in pages["replica_newcomer"]
    public = requests.Session()
    assert public.get(f"{base}/retention/referral/{served['code']}", timeout=60).ok
    assert sql(dbname, "SELECT count(*) FROM retention_profile p JOIN res_partner c "
               "ON c.id = p.partner_id WHERE c.name = 'Replica Newcomer'") == "0"  # fmt: skip
    assert_served_by_replica(dbname, before, 3)
