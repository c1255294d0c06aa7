from odoo import api, models
from odoo.tools import format_date


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    def _referral_page_values(self):
        """The friend's welcome gift, as the loyalty program words its rewards
        ("10% on your order"), in the friend's language."""
        values = super()._referral_page_values()
        program = self.sudo().company_id.retention_referral_welcome_program_id
        rewards = program.reward_ids.mapped("description")
        if rewards:
            values["incentive"] = ", ".join(filter(None, rewards))
        return values

    def _portal_rewards(self):
        """The referral and tier rewards of the customer in the profile's
        company, with points left: only those (a colleague's own gift cards
        stay theirs)."""
        rewards = super()._portal_rewards()
        referrals = (
            self.env["retention.referral"]
            .sudo()
            .search(
                [
                    ("referrer_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("reward_card_id", "!=", False),
                ]
            )
        )
        entry = (
            self.env["retention.tier.reward"]
            .sudo()
            .search(
                [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
            )
        )
        cards = (
            (referrals.reward_card_id | entry.card_id)
            .filtered(lambda card: card.points > 0)
            .sorted("id", reverse=True)[:20]
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

    @api.model
    def _log_tier_history(self, moves, tiers):
        """Customers who moved up get the reached tier's entry reward."""
        result = super()._log_tier_history(moves, tiers)
        self.env["retention.tier.reward"]._issue_for_moves(moves, tiers)
        return result
