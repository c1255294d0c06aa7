from odoo import fields, models
from odoo.tools import SQL

from ..models.blank_fields import BlankFloat
from ..models.retention_profile import HEALTH_BANDS


class RetentionHealthReport(models.Model):
    """Every customer's health in each company, with what a manager cuts it
    by: salesperson, tier, key account; revenue by band. Movements over time
    are the health history (retention.health.history)."""

    _name = "retention.health.report"
    _description = "Customer Health"
    _inherit = "retention.report"
    _auto = False
    _order = "health_score, revenue desc"
    _depends = {
        "retention.profile": [
            "partner_id",
            "company_id",
            "loyalty_tier_id",
            "is_key_account",
            "loyalty_revenue",
            "health_score",
            "health_band",
            "health_recency",
            "health_satisfaction",
            "health_complaints",
            "revenue_at_risk",
        ],
        "res.partner": ["active", "user_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("retention.tier", "Loyalty Tier", readonly=True)
    is_key_account = fields.Boolean("Key Account", readonly=True)
    health_score = fields.Float("Health", digits=(4, 1), aggregator="avg", readonly=True)
    health_band = fields.Selection(HEALTH_BANDS, "Health Band", readonly=True)
    recency = BlankFloat("Recency", digits=(4, 1), aggregator="avg", readonly=True)
    satisfaction = BlankFloat("Satisfaction Factor", digits=(4, 1), aggregator="avg", readonly=True)
    complaints = BlankFloat("Complaints Factor", digits=(4, 1), aggregator="avg", readonly=True)
    revenue = fields.Float("Revenue (window)", readonly=True)
    revenue_at_risk = fields.Float("Revenue at Risk", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _select(self):
        return SQL(
            """pr.id, pr.partner_id, p.user_id, pr.loyalty_tier_id AS tier_id,
               pr.is_key_account, pr.health_score, pr.health_band,
               pr.health_recency AS recency, pr.health_satisfaction AS satisfaction,
               pr.health_complaints AS complaints,
               COALESCE(pr.loyalty_revenue, 0) AS revenue,
               COALESCE(pr.revenue_at_risk, 0) AS revenue_at_risk, 1 AS customer_count,
               pr.company_id"""
        )

    def _from(self):
        return SQL("retention_profile pr JOIN res_partner p ON p.id = pr.partner_id")

    def _where(self):
        return SQL("p.active AND pr.health_band IS NOT NULL")
