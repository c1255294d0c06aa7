from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.retention_feedback import NPS_CATEGORIES

DEFAULT_CHURN_DAYS = 90


class RetentionChurnReport(models.Model):
    """Customers whose time since their last order is longer than their usual
    interval between orders (or than the churn threshold of the Settings when
    they have ordered once), ranked by the revenue at risk."""

    _name = "retention.churn.report"
    _description = "Churn Risk"
    _auto = False
    _order = "revenue_at_risk desc, days_overdue desc"

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

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The threshold is read from the settings when the view runs.
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %(view)s AS (
                   WITH params AS (
                       SELECT COALESCE((SELECT value::int FROM ir_config_parameter
                                         WHERE key = 'retention_loyalty.churn_days'),
                                       %(default)s) AS churn_days
                   ), risk AS (
                       SELECT pr.*, p.user_id, CURRENT_DATE - pr.last_order_date AS days_since,
                              COALESCE(NULLIF(pr.order_interval_days, 0), params.churn_days)
                                  AS threshold
                         FROM retention_profile pr JOIN res_partner p ON p.id = pr.partner_id,
                              params
                        WHERE p.active AND pr.last_order_date IS NOT NULL
                   )
                   SELECT id, partner_id, user_id, loyalty_tier_id AS tier_id,
                          last_order_date, order_interval_days AS usual_interval, days_since,
                          days_since - threshold AS days_overdue,
                          COALESCE(loyalty_revenue, 0) AS revenue_at_risk, nps_category,
                          company_id
                     FROM risk WHERE days_since > threshold)""",
                view=SQL.identifier(self._table),
                default=DEFAULT_CHURN_DAYS,
            )
        )

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
