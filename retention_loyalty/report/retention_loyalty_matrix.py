from odoo import fields, models, tools
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
    """Repeat purchases by satisfaction, one row per customer: long-term but
    vulnerable customers (repeat buyers who are passive or detractors) stand
    apart from advocates."""

    _name = "retention.loyalty.matrix"
    _description = "Loyalty Matrix"
    _auto = False
    _order = "revenue desc"

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

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                   SELECT p.id, p.id AS partner_id, p.user_id, p.loyalty_tier_id AS tier_id,
                          CASE WHEN COALESCE(p.loyalty_order_count, 0) = 0 THEN '0_none'
                               WHEN p.loyalty_order_count = 1 THEN '1_once'
                               WHEN p.loyalty_order_count <= 5 THEN '2_repeat'
                               ELSE '3_frequent' END AS buying,
                          COALESCE(p.nps_category, 'unknown') AS satisfaction,
                          COALESCE(p.loyalty_order_count, 0) > 1
                              AND p.nps_category IN ('passive', 'detractor') AS is_vulnerable,
                          1 AS customer_count, COALESCE(p.loyalty_order_count, 0) AS order_count,
                          COALESCE(p.loyalty_revenue, 0) AS revenue, p.company_id
                     FROM res_partner p
                    WHERE p.id = p.commercial_partner_id AND p.active
                      AND (p.first_order_date IS NOT NULL OR p.last_feedback_date IS NOT NULL))""",
                SQL.identifier(self._table),
            )
        )
