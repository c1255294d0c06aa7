from odoo import fields, models
from odoo.tools import SQL

PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
STEPS = {"month": "1 month", "quarter": "3 months", "year": "1 year"}


def buyers_sql(periods):
    """Who bought from which company in which period: one row per period kind
    of `periods` (month, quarter, year), company, commercial partner and
    period start, with the period's length (step), the kind's index (code),
    the smallest order id (unique per kind: the report's row ids) and the
    start of the next period the customer bought in (next_start).
    Dates are the orders' (UTC) dates, as the loyalty engine counts them.
    A window, not a self-join: the planner misjudges a filtered join of the
    buyers with themselves (nested loops, minutes on 200,000 orders)."""
    return SQL(
        """SELECT *, LEAD(period_start) OVER (
                         PARTITION BY period, company_id, partner_id ORDER BY period_start
                     ) AS next_start
             FROM (SELECT p.period, p.code, p.step, o.company_id, o.partner_id,
                          date_trunc(p.period, o.date)::date AS period_start,
                          MIN(o.id) AS order_id
                     FROM retention_purchase o
               CROSS JOIN (VALUES %s) AS p(period, code, step)
                    WHERE o.is_order
                 GROUP BY p.period, p.code, p.step, o.company_id, o.partner_id,
                          period_start) periods""",
        SQL(", ").join(
            SQL("(%s, %s, %s::interval)", period, code, STEPS[period])
            for code, period in enumerate(periods)
        ),
    )


class RetentionRateReport(models.Model):
    """Repeat business: each customer who bought from a company in a period
    (month, quarter or year), and whether they bought again in the next one.

    One row per customer of the previous period, so that every grouping
    (company, month, salesperson, all of them) counts its customers and its
    returning ones, and the rate's average is exactly returning / previous."""

    _name = "retention.rate.report"
    _description = "Retention Rate"
    _inherit = "retention.report"
    _auto = False
    _order = "date desc, company_id"
    _depends = {
        "retention.purchase": ["partner_id", "company_id", "date", "is_order"],
        "res.partner": ["user_id"],
    }

    period = fields.Selection(PERIODS, "Period Type", readonly=True)
    date = fields.Date(
        "Period", readonly=True, help="The first day of the period the customers came back in."
    )
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    previous_customers = fields.Integer(
        "Customers of the Previous Period",
        readonly=True,
        help="Customers with a confirmed order in the period before.",
    )
    returning_customers = fields.Integer(
        "Returning Customers",
        readonly=True,
        help="Of those, the customers with a confirmed order in this period too.",
    )
    retention_rate = fields.Float(
        "Retention Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Returning customers as a share of the previous period's customers.",
    )

    is_partial = fields.Boolean(
        "Period Under Way",
        readonly=True,
        help="The current period: its customers have not all had their chance to come back "
        "yet, so its rate is low until it ends.",
    )

    def _with(self):
        return SQL("buyers AS (%s)", buyers_sql([key for key, _label in PERIODS]))

    def _select(self):
        return SQL(
            """prev.order_id::bigint * %s + prev.code AS id, prev.period,
               (prev.period_start + prev.step)::date AS date,
               prev.company_id, prev.partner_id, p.user_id,
               1 AS previous_customers,
               COALESCE(prev.next_start = prev.period_start + prev.step, FALSE)::int
                   AS returning_customers,
               CASE WHEN prev.next_start = prev.period_start + prev.step THEN 100.0 ELSE 0.0
               END AS retention_rate,
               prev.period_start + prev.step = date_trunc(prev.period, CURRENT_DATE)
                   AS is_partial""",
            len(PERIODS),
        )

    def _from(self):
        return SQL("buyers prev JOIN res_partner p ON p.id = prev.partner_id")

    def _where(self):
        # Up to the current period (under way): later ones have not begun.
        return SQL("prev.period_start + prev.step <= date_trunc(prev.period, CURRENT_DATE)")
