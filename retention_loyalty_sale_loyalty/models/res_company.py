from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    retention_referral_welcome_program_id = fields.Many2one(
        "loyalty.program",
        "Welcome Program for Friends",
        help="A referred friend gets a code of this program, for their first order.",
    )
    retention_referral_reward_program_id = fields.Many2one(
        "loyalty.program",
        "Reward Program for Referrers",
        help="The referrer's reward (a coupon, e-wallet credit...) once the friend's first "
        "order stands.",
    )
    retention_referral_reward_points = fields.Float(
        "Reward Points",
        help="Points (or e-wallet credit) of the referrer's reward; empty: what the "
        "program's first reward needs.",
    )
