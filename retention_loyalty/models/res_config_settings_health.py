from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .retention_engine import setting_field

MAX_SCORE = 100
TOTAL = "retention_health_weight_total"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Each factor's weight: `retention_health_weight_<name>` (an addon adding a
    # factor adds its field; the total and the check find it by its name).
    retention_health_weight_recency = setting_field("health_weight_recency", "Recency Weight")
    retention_health_weight_frequency = setting_field("health_weight_frequency", "Frequency Weight")
    retention_health_weight_revenue_trend = setting_field(
        "health_weight_revenue_trend", "Revenue Trend Weight"
    )
    retention_health_weight_satisfaction = setting_field(
        "health_weight_satisfaction", "Satisfaction Weight"
    )
    retention_health_weight_effort = setting_field("health_weight_effort", "Effort Weight")
    retention_health_weight_complaints = setting_field(
        "health_weight_complaints", "Complaints Weight"
    )
    retention_health_weight_engagement = setting_field(
        "health_weight_engagement", "Follow-ups Weight"
    )
    retention_health_weight_tier = setting_field("health_weight_tier", "Tier Movement Weight")
    retention_health_weight_total = fields.Integer(
        "Total Weight", compute="_compute_retention_health_weight_total"
    )
    retention_health_good_min = setting_field(
        "health_good_min", "Good From", help="A health score at or above this is Good."
    )
    retention_health_poor_below = setting_field(
        "health_poor_below",
        "Poor Below",
        help="A health score below this is Poor; in between is At Risk.",
    )

    def _retention_health_weight_fields(self):
        return [
            name
            for name in self._fields
            if name.startswith("retention_health_weight_") and name != TOTAL
        ]

    @api.depends(lambda self: self._retention_health_weight_fields())
    def _compute_retention_health_weight_total(self):
        names = self._retention_health_weight_fields()
        for settings in self:
            settings.retention_health_weight_total = sum(settings[name] for name in names)

    @api.constrains(
        lambda self: [
            *self._retention_health_weight_fields(),
            "retention_health_good_min",
            "retention_health_poor_below",
        ]
    )
    def _check_retention_health(self):
        names = self._retention_health_weight_fields()
        for settings in self:
            weights = [settings[name] for name in names]
            if any(weight < 0 for weight in weights) or sum(weights) != MAX_SCORE:
                raise ValidationError(
                    self.env._(
                        "The health weights are points out of 100: none below 0, and they "
                        "total 100 (they total %(total)s).",
                        total=sum(weights),
                    )
                )
            poor, good = settings.retention_health_poor_below, settings.retention_health_good_min
            if not 0 < poor < good <= MAX_SCORE:
                raise ValidationError(
                    self.env._(
                        "Health bands: Poor below %(poor)s and Good from %(good)s need "
                        "0 < Poor < Good ≤ 100.",
                        poor=settings.retention_health_poor_below,
                        good=settings.retention_health_good_min,
                    )
                )
