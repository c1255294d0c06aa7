"""Predictions a rep can plan with, per customer and company: purchases and
revenue expected in the horizon (Settings), the chance of no purchase, the
date of the next one, the revenue at risk. The nightly job fits BG/NBD per
company (retention_bgnbd.py) on a sample of its customers and stores the
parameters on the company; one statement per recompute applies them
(retention_profile_prediction_sql.py)."""

from odoo import api, fields, models
from odoo.tools import SQL

from . import retention_bgnbd
from .retention_profile import PREDICTION_FIELDS
from .retention_profile_prediction_sql import (
    GROWTH_KEYS_QUERY,
    HISTORY_SAMPLE_QUERY,
    PREDICTION_QUERY,
)

# Customers per company the fit reads: enough for stable parameters (CDNOW's
# 23,570 give the published ones), few enough for a couple of seconds.
FIT_SAMPLE = 50000
# Fewer cannot tell their company's rhythm: the published parameters stay.
MIN_FIT_CUSTOMERS = 50
MIN_FIT_REPEAT_BUYERS = 20
DAYS_PER_MONTH = 365.25 / 12


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    predicted_order_count = fields.Float(
        "Expected Orders", help="Purchases expected in the prediction horizon."
    )
    predicted_revenue = fields.Monetary(
        "Expected Revenue", help="Revenue expected in the prediction horizon."
    )
    churn_probability = fields.Float(
        "Chance of No Order",
        aggregator="avg",
        help="The probability of no purchase in the prediction horizon (0-1).",
    )
    predicted_next_order_date = fields.Date(
        "Next Order Expected",
        help="The last purchase plus the customer's expected days between purchases; "
        "empty when the customer is more likely gone than not.",
    )
    revenue_at_risk = fields.Monetary(
        "Revenue at Risk",
        help="The revenue of the evaluation window, brought to the prediction horizon, "
        "times the chance of no order in it: what leaving would cost, as likely as it is.",
    )

    @api.model
    def _prediction_update(self, ids, params):
        """Write the predictions of the commercial partners `ids` in every
        company: one statement."""
        self.flush_model()
        # The statement reads the company's parameters: those just fitted too.
        self.env["res.company"].flush_model(
            [f"retention_fit_{name}" for name in (*retention_bgnbd.PARAM_NAMES, "order_value")]
        )
        self.env.cr.execute(self._prediction_query(ids, params))
        self.invalidate_model(PREDICTION_FIELDS)
        self.env["res.partner"].invalidate_model(PREDICTION_FIELDS)

    @api.model
    def _prediction_query(self, ids, params):
        """The predictions statement of the commercial partners `ids` (an SQL
        object: print it or EXPLAIN it from a shell). Reads the profiles and
        each company's fitted parameters (res_company); writes the profiles'
        prediction columns."""
        defaults = retention_bgnbd.DEFAULT_PARAMS
        today = self.env["retention.engine"]._today()
        horizon = float(params["prediction_horizon_days"])
        growth = self._prediction_growth(ids, today, horizon)
        return SQL(
            PREDICTION_QUERY,
            ids=ids,
            today=today,
            horizon=horizon,
            window_days=params["evaluation_months"] * DAYS_PER_MONTH,
            growth_companies=[key[0] for key in growth],
            growth_x=[key[1] for key in growth],
            growth_age=[key[2] for key in growth],
            growth_values=list(growth.values()),
            **{name: defaults[name] for name in retention_bgnbd.PARAM_NAMES},
        )

    @api.model
    def _prediction_growth(self, ids, today, horizon):
        """{(company, x, T): expected purchases in the horizon if alive}, for
        the distinct histories of these customers (not one per customer)."""
        self.env.cr.execute(SQL(GROWTH_KEYS_QUERY, ids=ids, today=today))
        keys = self.env.cr.fetchall()
        params = {}
        for company in self.env["res.company"].sudo().browse({key[0] for key in keys}):
            fitted = {
                name: company[f"retention_fit_{name}"] for name in retention_bgnbd.PARAM_NAMES
            }
            # Once all four are fitted, as in the statement (the ORM stores 0, not NULL).
            fitted_all = all(value > 0 for value in fitted.values())
            params[company.id] = fitted if fitted_all else retention_bgnbd.DEFAULT_PARAMS
        return {
            key: retention_bgnbd.expected_growth(params[key[0]], key[1], key[2], horizon)
            for key in keys
        }

    @api.model
    def _prediction_fit(self, companies=None):
        """Fit BG/NBD on each company's customers (a sample of FIT_SAMPLE) and
        store the parameters, the day and the number of customers read."""
        self.flush_model()
        if companies is None:
            # The companies that have customers.
            self.env.cr.execute("SELECT DISTINCT company_id FROM retention_profile")
            companies = self.env["res.company"].sudo().browse(r[0] for r in self.env.cr.fetchall())
        today = self.env["retention.engine"]._today()
        for company in companies:
            self.env.cr.execute(
                SQL(HISTORY_SAMPLE_QUERY, company=company.id, today=today, sample=FIT_SAMPLE)
            )
            histories = self.env.cr.fetchall()
            customers = sum(row[3] for row in histories)
            # Who never came back cannot tell how customers leave: the fit needs
            # repeat buyers as well as customers.
            repeat_buyers = sum(row[3] for row in histories if row[0])
            if customers < MIN_FIT_CUSTOMERS or repeat_buyers < MIN_FIT_REPEAT_BUYERS:
                continue
            fitted = retention_bgnbd.fit(histories)
            if not fitted:
                continue
            self.env.cr.execute(
                SQL(
                    """SELECT SUM(lifetime_revenue) / NULLIF(SUM(lifetime_order_count), 0)
                         FROM retention_profile WHERE company_id = %s""",
                    company.id,
                )
            )
            company.write(
                {
                    "retention_fit_r": fitted["r"],
                    "retention_fit_alpha": fitted["alpha"],
                    "retention_fit_a": fitted["a"],
                    "retention_fit_b": fitted["b"],
                    "retention_fit_order_value": self.env.cr.fetchone()[0],
                    "retention_fit_date": fields.Datetime.now(),
                    "retention_fit_customers": customers,
                }
            )
