from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    retention_key_account_cutoff = fields.Float(
        "Key Account Cut-off",
        readonly=True,
        help="Revenue in the window of the company's smallest key account at the last "
        "nightly recompute: a customer updated during the day is a key account from it.",
    )
