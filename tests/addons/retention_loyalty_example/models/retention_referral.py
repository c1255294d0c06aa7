"""4. A referral fraud rule: no reward for a friend with a throwaway address."""

from odoo import models

DISPOSABLE_DOMAINS = {"mailinator.com", "yopmail.com", "guerrillamail.com"}


class RetentionReferral(models.Model):
    _inherit = "retention.referral"

    def _fraud_rules(self):
        return [*super()._fraud_rules(), "disposable_email"]

    def _fraud_disposable_email(self, order, referrer, ours, theirs):
        domains = {(partner.email or "").rpartition("@")[2].lower() for partner in ours}
        if domains & DISPOSABLE_DOMAINS:
            return self.env._("The friend gives a disposable e-mail address.")
        return None
