"""18.0.2.3.0: purchases from every channel (direct invoices and credit notes
here; the till through retention_loyalty_pos). Nothing to move: the upgrade
asks the scheduled recompute to run, which brings every profile to the new
definition in committed batches with its progress, and logs only real
changes."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref("retention_loyalty.ir_cron_loyalty_profiles")._trigger()
