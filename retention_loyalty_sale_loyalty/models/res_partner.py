from odoo import fields, models
from odoo.tools import format_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _retention_tier_rewards(self):
        """The unused entry rewards of the customer's current tier, in the
        current company: what the welcome e-mail lists."""
        rewards = super()._retention_tier_rewards()
        partner = self.commercial_partner_id
        entries = (
            self.env["retention.tier.reward"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", self.env.company.id),
                    ("tier_id", "=", partner.loyalty_tier_id.id),
                ]
            )
        )
        for card in entries.card_id.filtered(lambda card: card.points > 0):
            rewards.append(
                {
                    "name": card.program_id.name,
                    "code": card.code,
                    "expiration": card.expiration_date
                    and format_date(self.env, card.expiration_date),
                }
            )
        return rewards

    def _retention_expiring_rewards(self):
        """The customer's unused tier entry rewards that expire, soonest
        first, in the current company: what the reminder lists."""
        partner = self.commercial_partner_id
        today = fields.Date.context_today(self)
        entries = (
            self.env["retention.tier.reward"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("company_id", "=", self.env.company.id)])
        )
        cards = entries.card_id.filtered(
            lambda card: card.points > 0 and card.expiration_date and card.expiration_date >= today
        ).sorted("expiration_date")
        return [
            {
                "name": card.program_id.name,
                "code": card.code,
                "expiration": format_date(self.env, card.expiration_date),
            }
            for card in cards
        ]
