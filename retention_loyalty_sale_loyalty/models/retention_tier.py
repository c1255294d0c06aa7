from odoo import api, fields, models
from odoo.exceptions import ValidationError

REWARD_PROGRAM_TYPES = ("coupons", "gift_card")


class RetentionTier(models.Model):
    _inherit = "retention.tier"

    entry_reward_program_id = fields.Many2one(
        "loyalty.program",
        "Entry Reward",
        domain="[('program_type', 'in', ('coupons', 'gift_card')), "
        "('company_id', 'in', [company_id, False])]",
        help="A coupon or gift-card program of Odoo's loyalty: a customer who enters this "
        "tier gets one card of it (its communication, if any, e-mails it), once per time "
        "they reach the tier. A shared tier with one company's program rewards that "
        "company's customers only.",
    )
    entry_reward_points = fields.Float(
        "Entry Reward Value",
        help="What each card holds: its value for a gift card (required), its points for a "
        "coupon (empty: what one reward of the program needs).",
    )
    entry_reward_ids = fields.One2many("retention.tier.reward", "tier_id", "Entry Rewards")
    entry_reward_count = fields.Integer(compute="_compute_entry_reward_count")
    offer_program_ids = fields.Many2many(
        "loyalty.program",
        string="Offers for This Tier",
        relation="loyalty_program_retention_tier_rel",
        column1="retention_tier_id",
        column2="loyalty_program_id",
        help="Promotions, coupons and discount codes limited to this tier's customers (and "
        "the other tiers they name).",
    )

    def _compute_entry_reward_count(self):
        counts = dict(
            self.env["retention.tier.reward"]._read_group(
                [("tier_id", "in", self.ids)], ["tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.entry_reward_count = counts.get(tier, 0)

    @api.constrains("entry_reward_program_id", "company_id", "entry_reward_points")
    def _check_entry_reward_program(self):
        for tier in self.filtered("entry_reward_program_id"):
            program = tier.entry_reward_program_id
            if tier.entry_reward_points < 0 or (
                program.program_type == "gift_card" and not tier.entry_reward_points
            ):
                raise ValidationError(
                    self.env._(
                        "Tier “%(tier)s”: say what the entry gift card is worth (a positive "
                        "value).",
                        tier=tier.name,
                    )
                )
            if program.program_type not in REWARD_PROGRAM_TYPES:
                raise ValidationError(
                    self.env._(
                        "Tier “%(tier)s”: an entry reward is a coupon or a gift card "
                        "(“%(program)s” is neither).",
                        tier=tier.name,
                        program=program.name,
                    )
                )
            if tier.company_id and program.company_id not in (tier.company_id, program.browse()):
                raise ValidationError(
                    self.env._(
                        "Tier “%(tier)s”: the entry reward “%(program)s” belongs to "
                        "%(company)s, not to the tier's company.",
                        tier=tier.name,
                        program=program.name,
                        company=program.company_id.name,
                    )
                )

    def action_view_entry_rewards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty_sale_loyalty.action_retention_tier_reward"
        )
        action["domain"] = [("tier_id", "=", self.id)]
        return action
