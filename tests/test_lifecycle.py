"""Whole-system checks: install, upgrade and uninstall retention_loyalty in a
fresh database, and run the cadence engine from several real processes, with
the real odoo-bin and PostgreSQL (run by `make test`)."""

import json
import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

CONF = os.environ.get("RETENTION_ODOO_CONF")
PYTHON = os.environ.get("RETENTION_PYTHON")
WINDOW = "retention_loyalty.evaluation_months"
TOOLS = Path(__file__).resolve().parent.parent / "tools"
LOAD = TOOLS / "cadence_load.py"
SCALE = TOOLS / "scale_load.py"
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")
REFUSED_DRAG = re.compile(r" WARNING \S+ odoo\.http: Describe the resolution of ")


def odoo(database, *args, script=None, expected_errors=None, capture_log=False):
    """Run odoo-bin; with `script`, run it in `odoo shell` and return its output
    (with `capture_log`, the log too). Log lines of warnings or errors fail the
    check, but those matching `expected_errors`. A `-c` in args replaces the
    config."""
    command = [PYTHON, "-m", "odoo"]
    if script is not None:
        command.append("shell")
    config = [] if "-c" in args else ["-c", CONF]
    command += [*config, "-d", database, "--log-level=warn", *args]
    result = subprocess.run(
        command, check=False, input=script or "", capture_output=True, text=True, timeout=1200
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    problems = [
        line
        for line in output.splitlines()
        if LOG_PROBLEM.match(line) and not (expected_errors and expected_errors.search(line))
    ]
    assert not problems, output[-4000:]
    return output if capture_log else result.stdout


def sql(database, query):
    return subprocess.run(
        ["psql", "-d", database, "-Atqc", query], capture_output=True, text=True, check=True
    ).stdout.strip()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def database():
    if not (CONF and PYTHON):
        pytest.fail("run these checks through `make test` (RETENTION_ODOO_CONF is unset)")
    name = f"retention_lifecycle_{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], check=False)


def collected_by_pytest(database):
    """How many addon tests pytest-odoo finds (by file name, not by import)."""
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "retention_loyalty/tests",
            f"--odoo-config={CONF}",
            f"--odoo-database={database}",
            "--odoo-log-level=warn",
        ],
        cwd=TOOLS.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    found = re.search(r"^(\d+) tests? collected", result.stdout, re.MULTILINE)
    assert found, result.stdout[-2000:] + result.stderr[-2000:]
    return int(found.group(1))


def module_state(database):
    return sql(database, "SELECT state FROM ir_module_module WHERE name = 'retention_loyalty'")


def test_install_in_a_fresh_database(database):
    odoo(database, "-i", "retention_loyalty", "--stop-after-init")
    assert module_state(database) == "installed"
    shipped = (
        "SELECT count(*) FROM ir_model_data WHERE module = 'retention_loyalty' AND name IN "
        "('group_retention_user', 'group_retention_manager', 'menu_retention_root')"
    )
    assert sql(database, shipped) == "3"


# What an admin and the reps changed: a renamed shipped rule and step, a new rule,
# a tier's benefits, a category, and the customer data the addon keeps.
EDITS = """
rule = env.ref('retention_loyalty.cadence_weekly_until_departure')
rule.name = 'Weekly call until go-live'
rule.template_ids[:1].summary = 'Edited step'
env['retention.cadence'].create({'name': 'Our own rule', 'trigger': 'sale_confirmed',
    'template_ids': [(0, 0, {'activity_type_id': env.ref('mail.mail_activity_data_call').id,
                             'delay_count': 5, 'delay_from': 'after_plan_date'})]})
env.ref('retention_loyalty.tier_gold').description = '<p>Free delivery</p>'
env.ref('retention_loyalty.complaint_category_packaging').name = 'Packaging and labels'
env['retention.feedback'].create({'partner_id': env.ref('base.res_partner_2').id, 'score': 4})
env.cr.commit()
"""
SNAPSHOT = """
rule = env.ref('retention_loyalty.cadence_weekly_until_departure')
print('rule', rule.name, '|', rule.template_ids[:1].summary)
own = env['retention.cadence'].search([('name', '=', 'Our own rule')])
print('own', len(own), own.template_ids.delay_count)
print('tier', env.ref('retention_loyalty.tier_gold').description)
print('category', env.ref('retention_loyalty.complaint_category_packaging').name)
for model in ('retention.feedback', 'retention.tier.history', 'retention.followup',
              'retention.complaint', 'retention.account.review', 'retention.cadence'):
    print(model, env[model].with_context(active_test=False).search_count([]))
"""


def test_upgrade_runs_the_tests_and_keeps_data_and_edited_rules(database):
    sql(
        database,
        f"INSERT INTO ir_config_parameter (key, value) VALUES ('{WINDOW}', '18')",
    )
    odoo(database, script=EDITS)
    before = odoo(database, script=SNAPSHOT)
    # The addon's own tests, this time through odoo-bin's test runner.
    log = odoo(
        database,
        "-u",
        "retention_loyalty",
        "--test-enable",
        "--test-tags=/retention_loyalty",
        f"--http-port={free_port()}",
        "--stop-after-init",
        # How many tests ran (Odoo logs it at INFO).
        "--log-handler=odoo.service.server:INFO",
        # The complaint tour drags a card to Resolved without a resolution on
        # purpose: the refusal the rep sees is logged by odoo.http.
        expected_errors=REFUSED_DRAG,
        capture_log=True,
    )
    assert module_state(database) == "installed"
    # Odoo's runner (OCA's CI, odoo.sh) runs every test pytest-odoo finds: a
    # test module missing from tests/__init__.py would run under one only (and
    # every class is post_install, so they all count here).
    ran = int(re.search(r"(\d+) post-tests in", log).group(1))
    assert ran == collected_by_pytest(database), log[-2000:]
    assert sql(database, f"SELECT value FROM ir_config_parameter WHERE key = '{WINDOW}'") == "18"
    after = odoo(database, script=SNAPSHOT)
    assert after == before
    assert "rule Weekly call until go-live | Edited step" in after, after
    assert "own 1 5" in after and "category Packaging and labels" in after, after
    assert "tier <p>Free delivery</p>" in after, after


# The last version with the profile in columns of res_partner (18.0.1.5.0).
PER_CUSTOMER_VERSION = "c6032e4"
OLD_DATA = """
eur = env.ref('base.EUR'); eur.active = True
europe = env['res.company'].create({'name': 'Retention Europe', 'currency_id': eur.id})
env.user.company_ids |= europe
shared = env['res.partner'].create({'name': 'Shared customer', 'is_company': True})
widget = env['product.product'].create({'name': 'Upgrade widget', 'list_price': 1,
                                        'taxes_id': [(5, 0, 0)]})
def sell(company, amount):
    order = env['sale.order'].with_company(company).create({
        'partner_id': shared.id, 'company_id': company.id,
        'order_line': [(0, 0, {'product_id': widget.id, 'price_unit': amount})]})
    order.action_confirm()
sell(env.ref('base.main_company'), 1000)
sell(europe, 3000)
shared.write({'loyalty_tier_id': env.ref('retention_loyalty.tier_gold').id,
              'loyalty_tier_locked': True, 'opportunity_level': 'high',
              'reference_consent': True, 'last_review_date': '2026-06-01'})
print('old revenue', shared.loyalty_revenue)
env.cr.commit()
"""
NEW_PROFILES = """
# The migration only moved the data; the scheduled action it triggered
# recomputes the figures (as the server would run it within a minute).
env['retention.profile']._cron_recompute()
shared = env['res.partner'].search([('name', '=', 'Shared customer')])
europe = env['res.company'].search([('name', '=', 'Retention Europe')])
for company in (env.ref('base.main_company'), europe):
    seen = shared.with_company(company)
    print('profile', company.currency_id.name, seen.loyalty_revenue, seen.loyalty_tier_id.name,
          seen.loyalty_tier_locked, seen.opportunity_level, seen.reference_consent,
          seen.last_review_date, seen.next_review_date)
"""


def test_upgrade_from_profiles_on_partners_moves_them_per_company(tmp_path):
    """An existing database of the previous version keeps what users set on
    its customers, now per company, with each company's own figures."""
    repo = Path(__file__).resolve().parent.parent
    old_addons = tmp_path / "addons"
    old_addons.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", PER_CUSTOMER_VERSION, "retention_loyalty"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old_addons)], input=archive, check=True)
    old_conf = tmp_path / "odoo.conf"
    old_conf.write_text(Path(CONF).read_text().replace(f",{repo}\n", f",{old_addons}\n"))
    assert str(old_addons) in old_conf.read_text()
    database = f"retention_upgrade_{uuid.uuid4().hex[:8]}"
    try:
        old = ["-c", str(old_conf)]
        odoo(database, *old, "-i", "retention_loyalty", "--stop-after-init")
        assert "old revenue 4000.0" in odoo(database, *old, script=OLD_DATA)
        odoo(database, "-u", "retention_loyalty", "--stop-after-init")
        assert module_state(database) == "installed"
        out = odoo(database, script=NEW_PROFILES)
        # Each company's own sales in its currency; what the user set, in both.
        kept = "Gold True high True 2026-06-01 2026-09-01"
        assert f"profile USD 1000.0 {kept}" in out, out
        assert f"profile EUR 3000.0 {kept}" in out, out
        columns = (
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'res_partner'"
            " AND column_name IN ('loyalty_tier_id', 'advocacy_stage', 'loyalty_revenue')"
        )
        assert sql(database, columns) == "0"
        # The nightly job moved to the model that holds its data (noupdate: by
        # the migration), and the upgrade asked it to run.
        cron = (
            "SELECT s.model_name, s.code, (SELECT count(*) FROM ir_cron_trigger t"
            " WHERE t.cron_id = c.id) > 0 FROM ir_cron c"
            " JOIN ir_act_server s ON s.id = c.ir_actions_server_id"
            " JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id"
            " WHERE d.module = 'retention_loyalty' AND d.name = 'ir_cron_loyalty_profiles'"
        )
        assert sql(database, cron) == "retention.profile|model._cron_recompute()|t"
    finally:
        subprocess.run(["dropdb", "--if-exists", database], check=False)


def load_command(database, *args, tool=LOAD):
    return [PYTHON, str(tool), "-c", CONF, "-d", database, *args]


def load(database, *args, returncode=0, tool=LOAD):
    """A tools/ load script (cadence_load.py by default) in its own process;
    its JSON answer."""
    result = subprocess.run(
        load_command(database, *args, tool=tool),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == returncode, result.stdout + result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if returncode == 0 else None


def assert_each_step_once(counts, activities):
    assert counts["activities"] == activities, counts
    assert counts["followups"] == counts["distinct_followups"] == activities, counts
    assert counts["with_activity"] == counts["distinct_activities"] == activities, counts
    assert counts["orphan_activities"] == 0, counts


# 2-4-8 over orders of today and the 3 days before, 7 days ahead: the day 8 visit
# of today's orders is not due yet (2 steps), the other orders have all 3.
def expected_248_activities(orders):
    return orders // 4 * 2 + (orders - orders // 4) * 3


def test_two_cadence_runs_at_once_create_each_activity_once(database):
    load(database, "setup", "--orders", "2000", "--prefix", "TWICE")
    start_at = str(time.time() + 10)  # both registries loaded, then the same instant
    runs = [
        subprocess.Popen(
            load_command(database, "run", "--at", start_at, "--batch", "500"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-4000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    counts = load(database, "check", "--prefix", "TWICE")
    assert_each_step_once(counts, expected_248_activities(2000))
    # One run scheduled the rule; the other found it locked (or all done) and added nothing.
    assert sorted(result["created"] for result in results)[0] == 0, results


HOLD_ORDERS = 1000  # two per customer


def test_two_cadence_runs_at_once_keep_every_holdout_group(database):
    load(database, "setup", "--orders", str(HOLD_ORDERS), "--prefix", "HOLD", "--holdout", "30")
    start_at = str(time.time() + 10)
    runs = [
        subprocess.Popen(
            load_command(database, "run", "--at", start_at, "--batch", "200"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-4000:]
    counts = load(database, "check", "--prefix", "HOLD")
    # One entry per customer, each in the group the draw gives it; the held
    # out get follow-ups in the ledger and no activity.
    assert counts["entries"] == counts["customers"] == HOLD_ORDERS // 2, counts
    assert counts["entries_off_draw"] == 0, counts
    assert counts["held_out_followups"] > 0, counts
    assert counts["held_out_with_activity"] == 0, counts
    assert counts["followups"] == counts["distinct_followups"], counts
    assert counts["activities"] == counts["with_activity"], counts
    assert counts["activities"] < expected_248_activities(HOLD_ORDERS), counts


def test_a_cadence_run_killed_mid_batch_loses_and_duplicates_nothing(database):
    load(database, "setup", "--orders", "1000", "--prefix", "CRASH")
    # Two batches commit, the third dies after inserting its activities.
    batch = 300
    load(database, "run", "--batch", str(batch), "--crash-after", "2", returncode=3)
    counts = load(database, "check", "--prefix", "CRASH")
    assert counts["followups"] <= 2 * batch and counts["orphan_activities"] == 0, counts
    load(database, "run")
    assert_each_step_once(load(database, "check", "--prefix", "CRASH"), 2750)


# A user saves a customer while the nightly recompute runs, in two threads with
# their own database connections; each side holds the row lock in turn.
CONCURRENT_WRITE = """
import threading, time
from odoo import api
from odoo.service.model import retrying

customer = env['res.partner'].create({'name': 'Race customer', 'is_company': True})
env['retention.feedback'].create({'partner_id': customer.id, 'score': 9})
env.cr.commit()
admin = env.ref('base.user_admin').id

def forget_profile():
    env.cr.execute("UPDATE retention_profile SET advocacy_stage = 'new', satisfaction_score = NULL"
                   " WHERE partner_id = %s", [customer.id])
    env.cr.commit()

errors = []

def in_thread(uid, work):
    def run():
        try:
            with env.registry.cursor() as cr:
                work(api.Environment(cr, uid, {}))
        except Exception as error:
            errors.append(repr(error))
    thread = threading.Thread(target=run)
    thread.start()
    return thread

def user_saves(phone, locked, wait):
    def work(user_env):
        if wait:
            locked.wait(30)
        partner = user_env['res.partner'].browse(customer.id)
        retrying(lambda: partner.write({'phone': phone}), user_env)
        user_env.cr.flush()
        if not wait:
            locked.set()
            time.sleep(2)
        user_env.cr.commit()
    return work

def show(case):
    env.invalidate_all()
    env.cr.rollback()
    print(case, customer.phone, customer.satisfaction_score, customer.advocacy_stage, errors)

# 1. The user's save holds the row: the cron's batch fails and is redone.
forget_profile()
locked = threading.Event()
user = in_thread(admin, user_saves('+358 1', locked, wait=False))
locked.wait(30)
cron = in_thread(1, lambda cron_env: cron_env['res.partner']._cron_recompute_loyalty_profiles())
user.join(); cron.join()
show('user-first')

# 2. The cron's batch holds the row: the user's save fails and is redone, as Odoo
#    redoes a web request.
forget_profile()
locked = threading.Event()
def cron_batch(cron_env):
    cron_env['retention.profile']._update_profiles([customer.id])
    locked.set()
    time.sleep(2)
    cron_env.cr.commit()
cron = in_thread(1, cron_batch)
user = in_thread(admin, user_saves('+358 2', locked, wait=True))
cron.join(); user.join()
show('cron-first')
"""


def test_recompute_and_a_user_save_keep_both_changes(database):
    # odoo.sql_db logs each refused statement ("bad query ... could not serialize").
    out = odoo(database, script=CONCURRENT_WRITE, expected_errors=re.compile("bad query"))
    # The user's phone, the cron's score and stage, no error on either side.
    assert "user-first +358 1 9.0 promoter []" in out, out
    assert "cron-first +358 2 9.0 promoter []" in out, out


def scale(database, *args, returncode=0):
    return load(database, *args, returncode=returncode, tool=SCALE)


def profile_counts(database):
    """Generated customers with a tier; those whose tier history or chatter
    disagrees with their tier; those with a tier change logged twice."""
    customers = (
        "SELECT p.id, pr.loyalty_tier_id FROM res_partner p JOIN retention_profile pr"
        " ON pr.partner_id = p.id WHERE p.name LIKE 'Scale customer %'"
    )
    return tuple(
        int(sql(database, query))
        for query in (
            f"SELECT count(loyalty_tier_id) FROM ({customers}) c",
            f"""SELECT count(*) FROM ({customers}) c
                 WHERE (c.loyalty_tier_id IS NOT NULL)
                       <> EXISTS (SELECT 1 FROM retention_tier_history h WHERE h.partner_id = c.id)
                    OR (c.loyalty_tier_id IS NOT NULL)
                       <> EXISTS (SELECT 1 FROM mail_message m WHERE m.model = 'res.partner'
                                    AND m.res_id = c.id AND m.body LIKE '%Loyalty tier%')""",
            f"""SELECT count(*) FROM (SELECT h.partner_id FROM retention_tier_history h
                  JOIN ({customers}) c ON c.id = h.partner_id
                 GROUP BY h.partner_id HAVING count(*) > 1) twice""",
        )
    )


def test_a_recompute_killed_mid_batch_leaves_consistent_profiles(database):
    customers = 2000
    scale(
        database,
        "generate",
        "--customers",
        str(customers),
        "--orders",
        "8000",
        "--feedback",
        "4000",
        "--referrals",
        "200",
    )
    # The generated customers come last: the batches up to two of theirs commit,
    # the next dies after writing its profiles and notes.
    earlier = int(
        sql(
            database,
            "SELECT count(*) FROM res_partner WHERE id = commercial_partner_id"
            " AND name NOT LIKE 'Scale customer %'",
        )
    )
    crash_after = str(earlier // 500 + 2)
    scale(database, "recompute", "--batch", "500", "--crash-after", crash_after, returncode=3)
    with_tier, disagreeing, twice = profile_counts(database)
    assert 0 < with_tier < customers, with_tier
    assert disagreeing == twice == 0, (disagreeing, twice)
    scale(database, "recompute")
    # Every generated customer who bought has a tier now (Bronze: one order).
    buyers = sql(
        database,
        "SELECT count(DISTINCT o.partner_id) FROM sale_order o JOIN res_partner p"
        " ON p.id = o.partner_id WHERE p.name LIKE 'Scale customer %' AND o.state = 'sale'",
    )
    assert profile_counts(database) == (int(buyers), 0, 0)


def test_uninstall_leaves_a_usable_database(database):
    # The addon's own demo partners and orders go with it; every other one stays.
    others = (
        "SELECT (SELECT count(*) FROM res_partner WHERE id NOT IN ({})),"
        " (SELECT count(*) FROM sale_order WHERE id NOT IN ({}))"
    )
    owned = "SELECT res_id FROM ir_model_data WHERE module = 'retention_loyalty' AND model = '{}'"
    partners_and_orders = sql(
        database, others.format(owned.format("res.partner"), owned.format("sale.order"))
    )
    odoo(
        database,
        script="env['ir.module.module'].search([('name', '=', 'retention_loyalty')])"
        ".button_immediate_uninstall()\nenv.cr.commit()\n",
    )
    assert module_state(database) == "uninstalled"
    # The follow-ups' activities stay, now of Odoo's own Call / To-Do types.
    kept = (
        "SELECT count(*) FROM mail_activity a JOIN sale_order so ON so.id = a.res_id "
        "AND a.res_model = 'sale.order' WHERE so.name LIKE 'CRASH/%'"
    )
    assert sql(database, kept) == "2750"
    leftovers = "SELECT count(*) FROM ir_model_data WHERE module = 'retention_loyalty'"
    assert sql(database, leftovers) == "0"
    # The addon's tables and columns are gone; partners and orders all stay.
    tables = (
        "SELECT count(*) FROM pg_class WHERE relname LIKE 'retention\\_%' AND relkind IN ('r', 'v')"
    )
    assert sql(database, tables) == "0"
    # So is the index it added to Odoo's invoices (a customer's purchases).
    index = "SELECT count(*) FROM pg_class WHERE relname = 'retention_account_move_customer_index'"
    assert sql(database, index) == "0"
    columns = (
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'res_partner' "
        "AND column_name IN ('loyalty_tier_id', 'advocacy_stage', 'satisfaction_score')"
    )
    assert sql(database, columns) == "0"
    assert sql(database, others.format("0", "0")) == partners_and_orders
    # A fresh registry loads and other apps still work with their data.
    out = odoo(
        database,
        script="customer = env.ref('base.res_partner_2')\n"
        "env['sale.order'].create({'partner_id': customer.id})\n"
        "print('orders', env['sale.order'].search_count([]) > 0)\n"
        "admin = env.ref('base.user_admin')\n"
        "print('salesman', admin.has_group('sales_team.group_sale_salesman'))\n",
    )
    assert "orders True" in out and "salesman True" in out
