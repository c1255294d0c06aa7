from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    retention_key_account_cutoff = fields.Float(
        "Key Account Cut-off",
        readonly=True,
        help="Revenue in the window of the company's smallest key account at the last "
        "nightly recompute: a customer updated during the day is a key account from it.",
    )
    # The BG/NBD parameters the nightly job fitted on the company's customers
    # (retention_profile_prediction.py); empty until the first fit.
    retention_fit_r = fields.Float("Purchase Rate Shape (r)", readonly=True)
    retention_fit_alpha = fields.Float("Purchase Rate Scale (alpha)", readonly=True)
    retention_fit_a = fields.Float("Dropout Shape (a)", readonly=True)
    retention_fit_b = fields.Float("Dropout Shape (b)", readonly=True)
    retention_fit_order_value = fields.Float("Average Order Value", readonly=True)
    retention_fit_date = fields.Datetime("Predictions Fitted On", readonly=True)
    retention_fit_customers = fields.Integer("Customers Fitted", readonly=True)
    retention_review_url = fields.Char(
        "Review Page",
        help="Where a delighted customer can review the company (Google, Trustpilot...): "
        "offered after a 9 or 10.",
    )
    retention_privacy_url = fields.Char(
        "Privacy Policy",
        help="Linked from the consent on the public referral page.",
    )

    @api.constrains("retention_review_url", "retention_privacy_url")
    def _check_retention_urls(self):
        for company in self:
            for url in (company.retention_review_url, company.retention_privacy_url):
                if url and not url.startswith(("https://", "http://")):
                    raise ValidationError(
                        self.env._(
                            "“%(url)s” is not a web address: it starts with https://.", url=url
                        )
                    )
