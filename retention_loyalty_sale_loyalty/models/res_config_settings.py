from odoo import api, fields, models
from odoo.addons.retention_loyalty.models.retention_engine import setting_field
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
    retention_referral_hold_days = setting_field(
        "referral_hold_days",
        "Hold Rewards (days)",
        help="The referrer's reward waits this long after the friend's first order, and is "
        "issued only if the order still stands.",
        defaults=REWARD_SETTINGS,
    )
    retention_referral_yearly_cap = setting_field(
        "referral_yearly_cap", "Rewards per Referrer and Year", defaults=REWARD_SETTINGS
    )
    retention_referral_ip_day_limit = setting_field(
        "referral_ip_day_limit",
        "Friends per IP Address and Day",
        help="More friends referred from one IP address within a day are held for a rep's "
        "review: no reward until approved.",
        defaults=REWARD_SETTINGS,
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
