from odoo import api, fields, models

from .retention_profile import HEALTH_BANDS


class RetentionHealthHistory(models.Model):
    """A customer's health score in one company, a row per day at most,
    written by the loyalty engine when the score moved by a point or the band
    changed: what trends, the health triggers and the Health report read."""

    _name = "retention.health.history"
    _description = "Customer Health History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    date = fields.Date(required=True, index=True, readonly=True)
    score = fields.Float("Health", digits=(4, 1), aggregator="avg", readonly=True)
    band = fields.Selection(HEALTH_BANDS, "Health Band", readonly=True)
    previous_score = fields.Float("Previous Health", digits=(4, 1), aggregator="avg", readonly=True)
    previous_band = fields.Selection(HEALTH_BANDS, "Previous Band", readonly=True)
    change = fields.Float(
        compute="_compute_change", digits=(4, 1), help="Points since the previous row."
    )

    _sql_constraints = [
        (
            "partner_company_date_uniq",
            "UNIQUE(partner_id, company_id, date)",
            "A customer has one health row per company and day.",
        ),
    ]

    @api.depends("score", "previous_score", "previous_band")
    def _compute_change(self):
        for row in self:
            row.change = row.score - row.previous_score if row.previous_band else 0.0

    @api.model
    def get_band_limits(self):
        """The Settings' band limits, for the graph's lines."""
        settings = self.env["retention.engine"]._settings()
        return {
            "good_min": settings["health_good_min"],
            "poor_below": settings["health_poor_below"],
        }
