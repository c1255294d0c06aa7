"""Whole-system check: another addon extends the cadence engine the way the
README says (a trigger, a step kind, a mail.activity.create override), is
installed beside retention_loyalty, and its own tests pass under odoo-bin."""

import configparser
import re
from pathlib import Path

from test_lifecycle import CONF, database, free_port, odoo  # noqa: F401 (database: a fixture)

EXAMPLES = Path(__file__).resolve().parent / "addons"


def test_an_addon_adds_a_trigger_and_a_step_kind_and_sees_every_activity(database):  # noqa: F811
    config = configparser.ConfigParser()
    config.read(CONF)
    addons = f"{config['options']['addons_path']},{EXAMPLES}"
    output = odoo(
        database,
        f"--addons-path={addons}",
        "-i",
        "retention_loyalty_example",
        "--test-enable",
        "--test-tags=/retention_loyalty_example",
        "--log-handler=odoo.tests.result:INFO",
        f"--http-port={free_port()}",
        "--stop-after-init",
        capture_log=True,
    )
    ran = re.search(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", output)
    assert ran, output[-3000:]
    assert ran.groups() == ("0", "0", "4"), output[-3000:]
