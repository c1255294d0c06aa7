from odoo import fields, models
from odoo.tools import SQL

from ..models.retention_engine import inactive_after_sql
from ..models.retention_feedback import NPS_CATEGORIES
from ..models.retention_profile import HEALTH_BANDS


class RetentionChurnReport(models.Model):
    """Customers who are leaving: no order for twice their expected interval
    between orders (the same rule as the cadence's inactivity trigger and the
    health recency factor), lowest health first: on CDNOW the health score
    ranks who stops buying better than days overdue did (README)."""

    _name = "retention.churn.report"
    _description = "Churn Risk"
    _inherit = "retention.report"
    _auto = False
    _order = "revenue_at_risk desc, health_score"
    _depends = {
        "retention.profile": [
            "partner_id",
            "company_id",
            "loyalty_tier_id",
            "last_order_date",
            "order_interval_days",
            "health_expected_interval",
            "health_score",
            "health_band",
            "loyalty_revenue",
            "nps_category",
            "revenue_at_risk",
            "churn_probability",
            "predicted_next_order_date",
        ],
        "res.partner": ["active", "user_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("retention.tier", "Loyalty Tier", readonly=True)
    last_order_date = fields.Date(readonly=True)
    usual_interval = fields.Integer("Average Days Between Orders", readonly=True)
    expected_interval = fields.Integer(
        "Expected Days Between Orders",
        readonly=True,
        help="The customer's rhythm, drawn towards the Settings' days when they have few "
        "orders: leaving after twice this.",
    )
    health_score = fields.Float("Health", digits=(4, 1), aggregator="avg", readonly=True)
    health_band = fields.Selection(HEALTH_BANDS, "Health Band", readonly=True)
    days_since = fields.Integer("Days Since Last Order", readonly=True)
    days_overdue = fields.Integer("Days Overdue", readonly=True, aggregator="avg")
    revenue_at_risk = fields.Float(
        "Revenue at Risk",
        readonly=True,
        help="The revenue of the evaluation window, brought to the prediction horizon, times "
        "the chance of no order in it.",
    )
    churn_probability = fields.Float(
        "Chance of No Order", digits=(4, 3), aggregator="avg", readonly=True
    )
    predicted_next_order_date = fields.Date("Next Order Expected", readonly=True)
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _with(self):
        return SQL(
            """risk AS (
                   SELECT pr.*, p.user_id, CURRENT_DATE - pr.last_order_date AS days_since,
                          %(threshold)s AS threshold
                     FROM retention_profile pr JOIN res_partner p ON p.id = pr.partner_id
                    WHERE p.active AND pr.last_order_date IS NOT NULL
               )""",
            threshold=inactive_after_sql(SQL("pr.health_expected_interval")),
        )

    def _select(self):
        return SQL(
            """id, partner_id, user_id, loyalty_tier_id AS tier_id, last_order_date,
               order_interval_days AS usual_interval,
               health_expected_interval AS expected_interval, health_score, health_band,
               days_since,
               days_since - threshold AS days_overdue,
               COALESCE(revenue_at_risk, 0) AS revenue_at_risk, churn_probability,
               predicted_next_order_date, nps_category, company_id"""
        )

    def _from(self):
        return SQL("risk")

    def _where(self):
        return SQL("days_since > threshold")

    def action_schedule_call(self):
        """A win-back call for the customer's salesperson, due today."""
        call = self.env.ref("retention_loyalty.mail_activity_type_followup_call")
        for row in self:
            row.partner_id.activity_schedule(
                activity_type_id=call.id,
                summary=self.env._(
                    "Win-back call: no order for %(days)s days", days=row.days_since
                ),
                user_id=(row.user_id or self.env.user).id,
            )
        return True
