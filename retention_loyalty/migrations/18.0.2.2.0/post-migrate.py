"""18.0.2.2.0: customer health. The profiles gain all-time order counts, the
previous window's revenue and the health factors, score and band: the engine
recomputes every profile once (a first band is not logged in the chatter)."""

from odoo import SUPERUSER_ID, api

BATCH = 20000


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT DISTINCT partner_id FROM retention_profile ORDER BY partner_id")
    ids = [row[0] for row in cr.fetchall()]
    partners = env["res.partner"]
    for start in range(0, len(ids), BATCH):
        partners._loyalty_update_profiles(ids[start : start + BATCH], key_cut=False)
