from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.retention_feedback import NPS_CATEGORIES

BUYING = [
    ("none", "No order"),
    ("once", "One order"),
    ("repeat", "Repeat buyer (2-5)"),
    ("frequent", "Frequent buyer (6+)"),
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
    order_count = fields.Integer("Orders (window)", readonly=True)
    revenue = fields.Float("Revenue (window)", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                   SELECT p.id, p.id AS partner_id, p.user_id, p.loyalty_tier_id AS tier_id,
                          CASE WHEN COALESCE(p.loyalty_order_count, 0) = 0 THEN 'none'
                               WHEN p.loyalty_order_count = 1 THEN 'once'
                               WHEN p.loyalty_order_count <= 5 THEN 'repeat'
                               ELSE 'frequent' END AS buying,
                          COALESCE(p.nps_category, 'unknown') AS satisfaction,
                          COALESCE(p.loyalty_order_count, 0) > 1
                              AND p.nps_category IN ('passive', 'detractor') AS is_vulnerable,
                          COALESCE(p.loyalty_order_count, 0) AS order_count,
                          COALESCE(p.loyalty_revenue, 0) AS revenue, p.company_id
                     FROM res_partner p
                    WHERE p.id = p.commercial_partner_id AND p.active
                      AND (p.first_order_date IS NOT NULL OR p.last_feedback_date IS NOT NULL))""",
                SQL.identifier(self._table),
            )
        )
