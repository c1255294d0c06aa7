from odoo import fields, models
from odoo.tools import SQL

# Row ids: the customer's first order id times this, plus the months since.
MAX_MONTHS = 10000


class RetentionCohortReport(models.Model):
    """Cohorts: a company's customers by the month of their first confirmed
    order there, and, for each month since (0, 1, 2, ... up to the current
    month), whether they bought and for how much (company currency).

    One row per cohort customer and month since, so that each cell of the
    pivot counts the cohort, those still buying, and the share's average is
    exactly still buying / cohort, in a cell or in a total."""

    _name = "retention.cohort.report"
    _description = "Customer Cohorts"
    _inherit = "retention.report"
    _auto = False
    _order = "cohort_date desc, months_since, company_id"
    _depends = {
        "sale.order": [
            "partner_id",
            "company_id",
            "date_order",
            "state",
            "amount_untaxed",
            "currency_rate",
        ],
        "res.partner": ["commercial_partner_id", "user_id"],
        "res.company": ["currency_id"],
    }

    cohort_date = fields.Date(
        "Cohort", readonly=True, help="The month of the customer's first confirmed order."
    )
    months_since = fields.Integer("Months Since First Order", readonly=True, aggregator=None)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    cohort_customers = fields.Integer(
        "Cohort Customers", readonly=True, help="Customers whose first order was in the cohort."
    )
    active_customers = fields.Integer(
        "Still Buying", readonly=True, help="Cohort customers with an order in this month."
    )
    retention_share = fields.Float(
        "Still Buying (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Cohort customers with an order in this month, as a share of the cohort.",
    )
    revenue = fields.Monetary(
        "Revenue Kept",
        readonly=True,
        help="Untaxed amount the cohort ordered in this month, in the company's currency.",
    )
    first_month_revenue = fields.Monetary(
        "First Month Revenue",
        readonly=True,
        help="Untaxed amount the cohort ordered in its first month.",
    )
    revenue_share = fields.Float(
        "Revenue Kept (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Revenue of this month as a share of the cohort's first month revenue. "
        "A total over several cohorts averages their shares, weighted by their sizes.",
    )

    def _with(self):
        return SQL(
            """months AS (
                   SELECT o.company_id, buyer.commercial_partner_id AS partner_id,
                          date_trunc('month', o.date_order)::date AS month,
                          MIN(o.id) AS order_id,
                          SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
                              AS revenue
                     FROM sale_order o
                     JOIN res_partner buyer ON buyer.id = o.partner_id
                    WHERE o.state = 'sale'
                 GROUP BY o.company_id, buyer.commercial_partner_id, month
               ), firsts AS (
                   SELECT DISTINCT ON (company_id, partner_id) company_id, partner_id,
                          month AS cohort_date, order_id, revenue
                     FROM months
                 ORDER BY company_id, partner_id, month
               ), cohorts AS (
                   -- Each customer's first month, and its cohort's average one
                   -- (a customer's share of the cohort's first month revenue).
                   SELECT f.*, AVG(f.revenue) OVER (PARTITION BY f.company_id, f.cohort_date)
                              AS cohort_average
                     FROM firsts f
               )"""
        )

    def _select(self):
        return SQL(
            """c.order_id * %s + k.months_since AS id, c.cohort_date, k.months_since,
               c.company_id, co.currency_id, c.partner_id, p.user_id,
               1 AS cohort_customers,
               (m.partner_id IS NOT NULL)::int AS active_customers,
               CASE WHEN m.partner_id IS NULL THEN 0.0 ELSE 100.0 END AS retention_share,
               COALESCE(m.revenue, 0) AS revenue,
               c.revenue AS first_month_revenue,
               100.0 * COALESCE(m.revenue, 0) / NULLIF(c.cohort_average, 0) AS revenue_share""",
            MAX_MONTHS,
        )

    def _from(self):
        return SQL(
            """cohorts c
               JOIN res_company co ON co.id = c.company_id
               JOIN res_partner p ON p.id = c.partner_id
         CROSS JOIN LATERAL generate_series(
                        0,
                        ((date_part('year', CURRENT_DATE) - date_part('year', c.cohort_date)) * 12
                         + date_part('month', CURRENT_DATE) - date_part('month', c.cohort_date)
                        )::int
                    ) AS k(months_since)
          LEFT JOIN months m ON m.company_id = c.company_id
                            AND m.partner_id = c.partner_id
                            AND m.month
                                = (c.cohort_date + k.months_since * interval '1 month')::date"""
        )
