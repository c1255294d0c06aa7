from odoo import fields, models
from odoo.tools import SQL

# Row ids: the customer's first order id times this, plus the months since.
MAX_MONTHS = 10000
# Columns named "3 months after" up to this many (twenty years); later ones by number.
NAMED_MONTHS = 240


class RetentionCohortReport(models.Model):
    """Cohorts: a company's customers by the month of their first purchase
    there (any channel: retention.purchase), and, for each month since (0, 1,
    2, ... up to the current month), whether they bought and for how much
    (company currency, net of credits).

    One row per cohort customer and month since, so that each cell of the
    pivot counts the cohort, those still buying, and the share's average is
    exactly still buying / cohort, in a cell or in a total."""

    _name = "retention.cohort.report"
    _description = "Customer Cohorts"
    _inherit = "retention.report"
    _auto = False
    _order = "cohort_date desc, months_since, company_id"
    _depends = {
        "retention.purchase": ["partner_id", "company_id", "date", "amount", "is_order"],
        "res.partner": ["user_id"],
        "res.company": ["currency_id"],
    }

    cohort_date = fields.Date(
        "Cohort", readonly=True, help="The month of the customer's first confirmed order."
    )
    cohort = fields.Char(
        "Cohort (customers)",
        readonly=True,
        help="The month of the first order, and how many customers the cohort has.",
    )
    months_since = fields.Integer("Months Since First Order", readonly=True, aggregator=None)
    months_after = fields.Selection(
        "_months_after_selection", "Months After First Order", readonly=True
    )
    is_partial = fields.Boolean(
        "Month Under Way",
        readonly=True,
        help="The current month: its customers still have days left to buy in it.",
    )
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

    def _months_after_selection(self):
        # Keys padded to sort as numbers: grouped reads order by the key.
        later = self.env._("%(count)s months after")
        return [
            ("000", self.env._("First month")),
            ("001", self.env._("1 month after")),
            *[(f"{n:03d}", later % {"count": n}) for n in range(2, NAMED_MONTHS + 1)],
        ]

    def _with(self):
        # Windows and one aggregate, no join of the orders with themselves
        # (a filtered self-join makes the planner loop: minutes on 200,000 orders).
        return SQL(
            """months AS (
                   -- What each customer bought from each company per month; their
                   -- cohort (first month) with its revenue, and the cohort's average.
                   SELECT *, AVG(revenue) FILTER (WHERE month = cohort_date)
                                 OVER (PARTITION BY company_id, cohort_date) AS cohort_average
                     FROM (SELECT *, MIN(month) FILTER (WHERE has_order) OVER w AS cohort_date,
                                  MIN(order_id) OVER w AS first_order_id,
                                  FIRST_VALUE(revenue) OVER (w ORDER BY NOT has_order, month)
                                      AS first_revenue
                             FROM (SELECT o.company_id, o.partner_id,
                                          date_trunc('month', o.date)::date AS month,
                                          MIN(o.id) FILTER (WHERE o.is_order) AS order_id,
                                          bool_or(o.is_order) AS has_order,
                                          -- Net of the credit notes and refunds of the month.
                                          SUM(o.amount) AS revenue
                                     FROM retention_purchase o
                                 GROUP BY o.company_id, o.partner_id, month
                                  ) bought
                           WINDOW w AS (PARTITION BY company_id, partner_id)
                          ) firsts
                    WHERE month >= cohort_date
               ), cells AS (
                   -- Every month since the first (up to this one), bought in or not:
                   -- the customer's month joined to each (a hash join; grouping
                   -- the months with a row per month since took twice as long).
                   SELECT f.company_id, f.partner_id, f.cohort_date, f.first_order_id,
                          f.first_revenue, f.cohort_average, s.months_since,
                          COALESCE(m.revenue, 0) AS revenue,
                          COALESCE(m.has_order, FALSE) AS bought
                     FROM months f
               CROSS JOIN generate_series(0, %s) AS s(months_since)
                LEFT JOIN months m ON m.company_id = f.company_id
                                  AND m.partner_id = f.partner_id
                                  AND m.month = (f.cohort_date
                                                 + make_interval(months => s.months_since))::date
                    WHERE f.month = f.cohort_date
                UNION ALL
                   -- Months after this one (a document dated ahead), as they are.
                   SELECT company_id, partner_id, cohort_date, first_order_id, first_revenue,
                          cohort_average, %s, revenue, has_order
                     FROM months
                    WHERE month > date_trunc('month', CURRENT_DATE)
               )""",
            months_between("cohort_date", SQL("CURRENT_DATE"), table="f"),
            months_between("cohort_date", SQL.identifier("month")),
        )

    def _select(self):
        return SQL(
            """c.first_order_id::bigint * %s + c.months_since AS id, c.cohort_date, c.months_since,
               lpad(LEAST(c.months_since, %s)::text, 3, '0') AS months_after,
               to_char(c.cohort_date, 'YYYY-MM') || ' (' || COUNT(*) OVER (
                   PARTITION BY c.company_id, c.cohort_date, c.months_since) || ')' AS cohort,
               c.months_since = %s AS is_partial,
               c.company_id, co.currency_id, c.partner_id, p.user_id,
               1 AS cohort_customers,
               c.bought::int AS active_customers,
               CASE WHEN c.bought THEN 100.0 ELSE 0.0 END AS retention_share,
               c.revenue, c.first_revenue AS first_month_revenue,
               100.0 * c.revenue / NULLIF(c.cohort_average, 0) AS revenue_share""",
            MAX_MONTHS,
            NAMED_MONTHS,
            months_between("cohort_date", SQL("CURRENT_DATE")),
        )

    def _from(self):
        return SQL(
            """cells c
               JOIN res_company co ON co.id = c.company_id
               JOIN res_partner p ON p.id = c.partner_id"""
        )


def months_between(start, end, table=None):
    """SQL: whole months from the month of `start` (a column, of `table`) to
    that of `end`."""
    start = SQL.identifier(table, start) if table else SQL.identifier(start)
    return SQL(
        "((date_part('year', %s) - date_part('year', %s)) * 12"
        " + date_part('month', %s) - date_part('month', %s))::int",
        end,
        start,
        end,
        start,
    )
