from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .retention_engine import setting_field

MAX_PREDICTION_DAYS = 3650


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_prediction_horizon_days = setting_field(
        "prediction_horizon_days",
        "Prediction Horizon (days)",
        help="Expected orders, expected revenue, the chance of no order and the revenue at "
        "risk look this many days ahead.",
    )
    # What the nightly job fitted on this company's customers: shown, not set.
    retention_fit_date = fields.Datetime(related="company_id.retention_fit_date")
    retention_fit_customers = fields.Integer(related="company_id.retention_fit_customers")
    retention_fit_parameters = fields.Char(
        "Fitted Parameters", compute="_compute_retention_fit_parameters"
    )

    @api.depends("company_id")
    def _compute_retention_fit_parameters(self):
        # The model's notation, the same in every language.
        for settings in self:
            company = settings.company_id
            settings.retention_fit_parameters = (
                f"r {company.retention_fit_r:.3f} · alpha {company.retention_fit_alpha:.1f} · "
                f"a {company.retention_fit_a:.3f} · b {company.retention_fit_b:.3f}"
                if company.retention_fit_date
                else False
            )

    @api.constrains("retention_prediction_horizon_days")
    def _check_retention_prediction_horizon(self):
        for settings in self:
            if not 1 <= settings.retention_prediction_horizon_days <= MAX_PREDICTION_DAYS:
                raise ValidationError(
                    self.env._(
                        "Predictions look 1 to %(max)s days ahead (you entered %(days)s).",
                        max=MAX_PREDICTION_DAYS,
                        days=settings.retention_prediction_horizon_days,
                    )
                )
