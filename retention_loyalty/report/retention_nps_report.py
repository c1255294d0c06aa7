from odoo import fields, models
from odoo.tools import SQL

from ..models.blank_fields import BlankFloat
from ..models.retention_feedback import NPS_CATEGORIES


class RetentionNpsReport(models.Model):
    """One row per answer with its customer's salesperson, tier and country:
    NPS over time (the average of +100 / 0 / -100), by any of them."""

    _name = "retention.nps.report"
    _description = "NPS Analysis"
    _inherit = "retention.report"
    _auto = False
    _order = "date desc"
    _depends = {
        "retention.feedback": [
            "date",
            "commercial_partner_id",
            "channel",
            "nps_category",
            "nps_points",
            "score",
            "effort_score",
            "company_id",
        ],
        "res.partner": ["user_id", "country_id"],
        "retention.profile": ["partner_id", "company_id", "loyalty_tier_id"],
    }

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("retention.tier", "Loyalty Tier", readonly=True)
    country_id = fields.Many2one("res.country", "Country", readonly=True)
    channel = fields.Char(readonly=True)
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category", readonly=True)
    nps = fields.Float("NPS", readonly=True, aggregator="avg", digits=(16, 1))
    score = fields.Float("Likelihood to Recommend", readonly=True, aggregator="avg")
    effort_score = BlankFloat("Customer Effort", readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def _select(self):
        return SQL(
            """f.id, f.date, f.commercial_partner_id AS partner_id, p.user_id,
               pr.loyalty_tier_id AS tier_id, p.country_id, f.channel, f.nps_category,
               f.nps_points AS nps, f.score, NULLIF(f.effort_score, 0) AS effort_score,
               f.company_id"""
        )

    def _from(self):
        return SQL(
            """retention_feedback f
               JOIN res_partner p ON p.id = f.commercial_partner_id
          LEFT JOIN retention_profile pr ON pr.partner_id = f.commercial_partner_id
                                        AND pr.company_id = f.company_id"""
        )
