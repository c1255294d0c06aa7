from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_EVALUATION_MONTHS = 120


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_evaluation_months = fields.Integer(
        string="Evaluation Window (months)",
        config_parameter="retention_loyalty.evaluation_months",
        default=12,
        help="Confirmed sales of this many past months count towards tiers and key accounts.",
    )

    @api.constrains("retention_evaluation_months")
    def _check_retention_evaluation_months(self):
        for settings in self:
            if not 1 <= settings.retention_evaluation_months <= MAX_EVALUATION_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The evaluation window must be between 1 and %(max)s months "
                        "(you entered %(months)s).",
                        max=MAX_EVALUATION_MONTHS,
                        months=settings.retention_evaluation_months,
                    )
                )
