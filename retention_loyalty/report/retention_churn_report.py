from odoo import fields, models
from odoo.tools import SQL

from ..models.retention_engine import SETTINGS, inactive_after_sql
from ..models.retention_feedback import NPS_CATEGORIES


class RetentionChurnReport(models.Model):
    """Customers inactive for longer than their usual interval between orders,
    and at least the churn threshold of the Settings (the same rule as the
    cadence's inactivity trigger), ranked by the revenue at risk."""

    _name = "retention.churn.report"
    _description = "Churn Risk"
    _inherit = "retention.report"
    _auto = False
    _order = "revenue_at_risk desc, days_overdue desc"
    # The view reads the threshold from the settings: flush a changed one first.
    _depends = {
        "retention.profile": [
            "partner_id",
            "company_id",
            "loyalty_tier_id",
            "last_order_date",
            "order_interval_days",
            "loyalty_revenue",
            "nps_category",
        ],
        "res.partner": ["active", "user_id"],
        "ir.config_parameter": ["key", "value"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("retention.tier", "Loyalty Tier", readonly=True)
    last_order_date = fields.Date(readonly=True)
    usual_interval = fields.Integer("Usual Days Between Orders", readonly=True)
    days_since = fields.Integer("Days Since Last Order", readonly=True)
    days_overdue = fields.Integer("Days Overdue", readonly=True, aggregator="avg")
    revenue_at_risk = fields.Float(
        "Revenue at Risk", readonly=True, help="What the customer bought in the window."
    )
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _with(self):
        # The threshold is read from the settings when the view runs.
        return SQL(
            """params AS (
                   SELECT COALESCE((SELECT value::int FROM ir_config_parameter
                                     WHERE key = 'retention_loyalty.churn_days'),
                                   %(default)s) AS churn_days
               ), risk AS (
                   SELECT pr.*, p.user_id, CURRENT_DATE - pr.last_order_date AS days_since,
                          %(threshold)s AS threshold
                     FROM retention_profile pr JOIN res_partner p ON p.id = pr.partner_id,
                          params
                    WHERE p.active AND pr.last_order_date IS NOT NULL
               )""",
            default=SETTINGS["churn_days"],
            threshold=inactive_after_sql(SQL("pr.order_interval_days"), SQL("params.churn_days")),
        )

    def _select(self):
        return SQL(
            """id, partner_id, user_id, loyalty_tier_id AS tier_id, last_order_date,
               order_interval_days AS usual_interval, days_since,
               days_since - threshold AS days_overdue,
               COALESCE(loyalty_revenue, 0) AS revenue_at_risk, nps_category, company_id"""
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
