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
