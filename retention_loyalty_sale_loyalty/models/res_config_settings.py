from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The bridge's settings (ir.config_parameter retention_loyalty.<key>) and defaults.
REWARD_SETTINGS = {
    "referral_hold_days": 30,
    "referral_yearly_cap": 10,
    "referral_ip_day_limit": 3,
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_referral_welcome_program_id = fields.Many2one(
        related="company_id.retention_referral_welcome_program_id", readonly=False
    )
    retention_referral_reward_program_id = fields.Many2one(
        related="company_id.retention_referral_reward_program_id", readonly=False
    )
    retention_referral_reward_points = fields.Float(
        related="company_id.retention_referral_reward_points", readonly=False
    )
    retention_tier_reward_skipped = fields.Boolean(
        "Rewards of Skipped Tiers",
        config_parameter="retention_loyalty.tier_reward_skipped",
        help="A customer who jumps several tiers at once also gets the entry rewards of the "
        "tiers in between. Off (the default): only the reached tier's reward.",
    )
    retention_referral_hold_days = fields.Integer(
        string="Hold Rewards (days)",
        config_parameter="retention_loyalty.referral_hold_days",
        default=REWARD_SETTINGS["referral_hold_days"],
        help="The referrer's reward waits this long after the friend's first order, and is "
        "issued only if the order still stands.",
    )
    retention_referral_yearly_cap = fields.Integer(
        string="Rewards per Referrer and Year",
        config_parameter="retention_loyalty.referral_yearly_cap",
        default=REWARD_SETTINGS["referral_yearly_cap"],
    )
    retention_referral_ip_day_limit = fields.Integer(
        string="Friends per IP Address and Day",
        config_parameter="retention_loyalty.referral_ip_day_limit",
        default=REWARD_SETTINGS["referral_ip_day_limit"],
        help="More friends referred from one IP address within a day are held for a rep's "
        "review: no reward until approved.",
    )

    @api.constrains(
        "retention_referral_hold_days",
        "retention_referral_yearly_cap",
        "retention_referral_ip_day_limit",
        "retention_referral_reward_points",
    )
    def _check_retention_referral_rewards(self):
        for settings in self:
            for name, low in (
                ("retention_referral_hold_days", 0),
                ("retention_referral_yearly_cap", 0),
                ("retention_referral_ip_day_limit", 1),
                ("retention_referral_reward_points", 0),
            ):
                if settings[name] < low:
                    raise ValidationError(
                        self.env._(
                            "“%(setting)s” must be at least %(low)s (you entered %(value)s).",
                            setting=self._fields[name]._description_string(self.env),
                            low=low,
                            value=settings[name],
                        )
                    )
