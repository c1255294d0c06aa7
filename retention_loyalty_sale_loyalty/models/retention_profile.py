from odoo import models
from odoo.tools import format_date


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    def _portal_rewards(self):
        """The loyalty cards of the customer's contacts in the profile's
        company, with points left."""
        rewards = super()._portal_rewards()
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.partner_id.id),
                    ("company_id", "in", [False, self.company_id.id]),
                    ("points", ">", 0),
                ],
                order="id desc",
                limit=20,
            )
        )
        for card in cards:
            rewards.append(
                {
                    "name": card.program_id.name,
                    "code": card.code,
                    "value": card.points_display,
                    "expiration": card.expiration_date
                    and format_date(self.env, card.expiration_date),
                }
            )
        return rewards
