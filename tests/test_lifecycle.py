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
LOAD = Path(__file__).resolve().parent.parent / "tools" / "cadence_load.py"
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ", re.MULTILINE)


def odoo(database, *args, script=None):
    """Run odoo-bin; with `script`, run it in `odoo shell` and return its output."""
    command = [PYTHON, "-m", "odoo"]
    if script is not None:
        command.append("shell")
    command += ["-c", CONF, "-d", database, "--log-level=warn", *args]
    result = subprocess.run(
        command, check=False, input=script or "", capture_output=True, text=True, timeout=1200
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert not LOG_PROBLEM.search(output), output[-4000:]
    return result.stdout


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


def test_upgrade_runs_the_tests_and_keeps_settings(database):
    sql(
        database,
        f"INSERT INTO ir_config_parameter (key, value) VALUES ('{WINDOW}', '18')",
    )
    # The addon's own tests, this time through odoo-bin's test runner.
    odoo(
        database,
        "-u",
        "retention_loyalty",
        "--test-enable",
        "--test-tags=/retention_loyalty",
        f"--http-port={free_port()}",
        "--stop-after-init",
    )
    assert module_state(database) == "installed"
    assert sql(database, f"SELECT value FROM ir_config_parameter WHERE key = '{WINDOW}'") == "18"


def load_command(database, *args):
    return [PYTHON, str(LOAD), "-c", CONF, "-d", database, *args]


def load(database, *args, returncode=0):
    """tools/cadence_load.py in its own process; its JSON answer."""
    result = subprocess.run(
        load_command(database, *args), capture_output=True, text=True, timeout=900, check=False
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


def test_a_cadence_run_killed_mid_batch_loses_and_duplicates_nothing(database):
    load(database, "setup", "--orders", "1000", "--prefix", "CRASH")
    # Two batches commit, the third dies after inserting its activities.
    batch = 300
    load(database, "run", "--batch", str(batch), "--crash-after", "2", returncode=3)
    counts = load(database, "check", "--prefix", "CRASH")
    assert counts["followups"] <= 2 * batch and counts["orphan_activities"] == 0, counts
    load(database, "run")
    assert_each_step_once(load(database, "check", "--prefix", "CRASH"), 2750)


def test_uninstall_leaves_a_usable_database(database):
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
