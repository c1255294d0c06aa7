from odoo import fields, models
from odoo.tools import SQL

from ..models.retention_feedback import NPS_CATEGORIES

# Keys sort in the matrix's reading order.
BUYING = [
    ("0_none", "No order"),
    ("1_once", "One order"),
    ("2_repeat", "Repeat buyer (2-5)"),
    ("3_frequent", "Frequent buyer (6+)"),
]


class RetentionLoyaltyMatrix(models.Model):
    """Repeat purchases by satisfaction, one row per customer and company: long-term but
    vulnerable customers (repeat buyers who are passive or detractors) stand
    apart from advocates."""

    _name = "retention.loyalty.matrix"
    _description = "Loyalty Matrix"
    _inherit = "retention.report"
    _auto = False
    _order = "revenue desc"
    _depends = {
        "retention.profile": [
            "partner_id",
            "company_id",
            "loyalty_tier_id",
            "loyalty_order_count",
            "nps_category",
            "loyalty_revenue",
            "first_order_date",
            "last_feedback_date",
        ],
        "res.partner": ["active", "user_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("retention.tier", "Loyalty Tier", readonly=True)
    buying = fields.Selection(BUYING, "Repeat Purchases", readonly=True)
    satisfaction = fields.Selection(
        [*NPS_CATEGORIES, ("unknown", "No feedback")], "Satisfaction", readonly=True
    )
    is_vulnerable = fields.Boolean(
        "Long-term but Vulnerable",
        readonly=True,
        help="Buys again and again, but is not a promoter: may leave silently.",
    )
    customer_count = fields.Integer("Customers", readonly=True)
    order_count = fields.Integer("Orders (window)", readonly=True)
    revenue = fields.Float("Revenue (window)", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _select(self):
        return SQL(
            """pr.id, pr.partner_id, p.user_id, pr.loyalty_tier_id AS tier_id,
               CASE WHEN COALESCE(pr.loyalty_order_count, 0) = 0 THEN '0_none'
                    WHEN pr.loyalty_order_count = 1 THEN '1_once'
                    WHEN pr.loyalty_order_count <= 5 THEN '2_repeat'
                    ELSE '3_frequent' END AS buying,
               COALESCE(pr.nps_category, 'unknown') AS satisfaction,
               COALESCE(pr.loyalty_order_count, 0) > 1
                   AND pr.nps_category IN ('passive', 'detractor') AS is_vulnerable,
               1 AS customer_count, COALESCE(pr.loyalty_order_count, 0) AS order_count,
               COALESCE(pr.loyalty_revenue, 0) AS revenue, pr.company_id"""
        )

    def _from(self):
        return SQL("retention_profile pr JOIN res_partner p ON p.id = pr.partner_id")

    def _where(self):
        return SQL(
            "p.active AND (pr.first_order_date IS NOT NULL OR pr.last_feedback_date IS NOT NULL)"
        )
