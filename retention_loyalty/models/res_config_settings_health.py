from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .retention_engine import HEALTH_WEIGHTS, SETTINGS

MAX_SCORE = 100


def _weight(key, label):
    return fields.Integer(
        string=label, config_parameter=f"retention_loyalty.{key}", default=SETTINGS[key]
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_health_weight_recency = _weight("health_weight_recency", "Recency Weight")
    retention_health_weight_frequency = _weight("health_weight_frequency", "Frequency Weight")
    retention_health_weight_revenue_trend = _weight(
        "health_weight_revenue_trend", "Revenue Trend Weight"
    )
    retention_health_weight_satisfaction = _weight(
        "health_weight_satisfaction", "Satisfaction Weight"
    )
    retention_health_weight_effort = _weight("health_weight_effort", "Effort Weight")
    retention_health_weight_complaints = _weight("health_weight_complaints", "Complaints Weight")
    retention_health_weight_engagement = _weight("health_weight_engagement", "Follow-ups Weight")
    retention_health_weight_tier = _weight("health_weight_tier", "Tier Movement Weight")
    retention_health_weight_total = fields.Integer(
        "Total Weight", compute="_compute_retention_health_weight_total"
    )
    retention_health_good_min = fields.Integer(
        string="Good From",
        config_parameter="retention_loyalty.health_good_min",
        default=SETTINGS["health_good_min"],
        help="A health score at or above this is Good.",
    )
    retention_health_poor_below = fields.Integer(
        string="Poor Below",
        config_parameter="retention_loyalty.health_poor_below",
        default=SETTINGS["health_poor_below"],
        help="A health score below this is Poor; in between is At Risk.",
    )

    @api.depends(*(f"retention_{key}" for key in HEALTH_WEIGHTS))
    def _compute_retention_health_weight_total(self):
        for settings in self:
            settings.retention_health_weight_total = sum(
                settings[f"retention_{key}"] for key in HEALTH_WEIGHTS
            )

    @api.constrains(
        *(f"retention_{key}" for key in HEALTH_WEIGHTS),
        "retention_health_good_min",
        "retention_health_poor_below",
    )
    def _check_retention_health(self):
        for settings in self:
            weights = [settings[f"retention_{key}"] for key in HEALTH_WEIGHTS]
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
