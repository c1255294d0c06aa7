"""18.0.2.2.0: customer health. The profiles gain all-time order counts, the
previous window's revenue and the health factors, score and band: the engine
recomputes every profile once (a first band is not logged in the chatter).

"Churn Risk After N days" became "Expected Days Between Orders", a customer
leaving after twice that: a value an admin set is halved, so that a one-time
buyer shows in Churn Risk after the same number of days as before."""

from odoo import SUPERUSER_ID, api

BATCH = 20000


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """UPDATE ir_config_parameter SET value = GREATEST(value::int / 2, 1)::text
            WHERE key = 'retention_loyalty.churn_days' AND value ~ '^[0-9]+$'"""
    )
    cr.execute("SELECT DISTINCT partner_id FROM retention_profile ORDER BY partner_id")
    ids = [row[0] for row in cr.fetchall()]
    profiles = env["retention.profile"]
    for start in range(0, len(ids), BATCH):
        profiles._update_profiles(ids[start : start + BATCH], key_cut=False)
