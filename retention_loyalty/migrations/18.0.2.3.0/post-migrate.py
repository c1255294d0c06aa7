"""18.0.2.3.0: purchases from every channel (direct invoices and credit notes
here; the till through retention_loyalty_pos), and the engine on the model
that holds its data. The scheduled action (noupdate: an admin may have
changed its time) moves to retention.profile; then the upgrade asks it to
run, which brings every profile to the new definition in committed batches
with its progress, and logs only real changes. Customers hidden from the
menus (a profile without a customer rank) are repaired."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    # A profile that began with a user's value (consent, a kanban drag, an
    # answer) before the first order never got its customer rank: the menus
    # hid that customer.
    cr.execute(
        """UPDATE res_partner SET customer_rank = 1
            WHERE COALESCE(customer_rank, 0) = 0
              AND id IN (SELECT partner_id FROM retention_profile)"""
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("retention_loyalty.ir_cron_loyalty_profiles")
    cron.write(
        {
            "model_id": env.ref("retention_loyalty.model_retention_profile").id,
            "code": "model._cron_recompute()",
        }
    )
    cron._trigger()
