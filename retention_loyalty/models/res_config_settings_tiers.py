from odoo import api, models
from odoo.exceptions import ValidationError

from .retention_engine import setting_field

MAX_GRACE_DAYS = 3650


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_tier_grace_days = setting_field(
        "tier_grace_days",
        "Keep a Tier For (days)",
        help="A customer who falls below their tier's thresholds keeps the tier this many "
        "days, then moves down one tier at a time. 0: at once.",
    )

    @api.constrains("retention_tier_grace_days")
    def _check_retention_tier_grace_days(self):
        for settings in self:
            if not 0 <= settings.retention_tier_grace_days <= MAX_GRACE_DAYS:
                raise ValidationError(
                    self.env._(
                        "A tier is kept 0 to %(max)s days (you entered %(days)s).",
                        max=MAX_GRACE_DAYS,
                        days=settings.retention_tier_grace_days,
                    )
                )
