"""Predictions: BG/NBD arithmetic pinned on four hand-computed customers, per
company and currency; the fit recovers known parameters; the Loyalty tab's
sentence in the reader's language."""

import math
import random
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from ..models import retention_bgnbd
from .common import RetentionCase

# Parameters set by hand on the company (days), and the horizon.
PARAMS = {"r": 0.25, "alpha": 30.0, "a": 0.75, "b": 2.2}
HORIZON = 365
# Computed by hand (README, Predictions) from PARAMS, each customer's
# (x, t_x, T) and the company's average order value of 150:
# (expected orders, expected revenue, chance of no order, days from the last
# order to the next, revenue at risk).
EXPECTED = {
    # Every 90 days for a year: x = 3, t_x = 270, T = 360; P(alive) 0.705.
    "regular": (1.76, 193.12, 0.378, 120, 150.93),
    # One order 200 days ago: alive by the model, but slow.
    "one_time": (0.33, 37.78, 0.789, 920, 63.04),
    # Five orders, the last 500 days ago: P(alive) 0.049, no next date.
    "lapsed": (0.09, 9.91, 0.960, None, 0.0),
    # One order today.
    "new": (1.51, 203.61, 0.525, 120, 62.95),
}
HISTORIES = {
    "regular": [(100, 360), (100, 270), (100, 180), (100, 90)],
    "one_time": [(80, 200)],
    "lapsed": [(100, 700), (100, 650), (100, 600), (100, 550), (100, 500)],
    "new": [(120, 0)],
}


@tagged("post_install", "-at_install")
class TestPredictions(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "retention_loyalty.prediction_horizon_days", HORIZON
        )
        cls.company = cls.env.company
        cls._set_params(cls.company)

    @classmethod
    def _set_params(cls, company):
        company.write(
            {
                **{f"retention_fit_{name}": value for name, value in PARAMS.items()},
                "retention_fit_order_value": 150.0,
            }
        )

    def _customers(self):
        customers = {}
        for name, history in HISTORIES.items():
            customer = self._customer(f"Predicted {name}")
            for amount, days_ago in history:
                self._sell(customer, amount, days_ago=days_ago)
            customers[name] = customer
        self.env["retention.profile"]._recompute_customers(
            [customer.id for customer in customers.values()]
        )
        return customers

    def test_the_four_customers_as_computed_by_hand(self):
        today = fields.Date.today()
        for name, customer in self._customers().items():
            orders, revenue, churn, next_days, at_risk = EXPECTED[name]
            last = today - timedelta(days=min(days for _amount, days in HISTORIES[name]))
            with self.subTest(customer=name):
                self.assertAlmostEqual(customer.predicted_order_count, orders, places=2)
                self.assertAlmostEqual(customer.predicted_revenue, revenue, places=2)
                self.assertAlmostEqual(customer.churn_probability, churn, places=3)
                self.assertEqual(
                    customer.predicted_next_order_date,
                    last + timedelta(days=next_days) if next_days else False,
                )
                self.assertAlmostEqual(customer.revenue_at_risk, at_risk, places=2)

    def test_each_company_predicts_with_its_own_rhythm(self):
        other = self.env["res.company"].create(
            {"name": "Slow Shop", "currency_id": self.env.ref("base.EUR").id}
        )
        self.env.ref("base.EUR").active = True
        self.env.user.company_ids |= other
        other.write(
            {
                "retention_fit_r": 0.25,
                "retention_fit_alpha": 300.0,
                "retention_fit_a": 0.75,
                "retention_fit_b": 2.2,
            }
        )
        customer = self._customers()["regular"]
        self.assertAlmostEqual(customer.predicted_order_count, 1.76, places=2)
        # The same customer buying the same way from the slower shop.
        for _amount, days_ago in HISTORIES["regular"]:
            order = (
                self.env["sale.order"]
                .with_company(other)
                .create(
                    {
                        "partner_id": customer.id,
                        "company_id": other.id,
                        "order_line": [
                            Command.create({"product_id": self.product.id, "price_unit": 100})
                        ],
                    }
                )
            )
            order.action_confirm()
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        self.env["retention.profile"]._recompute_customers([customer.id])
        in_other = customer.with_company(other)
        self.assertLess(in_other.predicted_order_count, customer.predicted_order_count)
        self.assertEqual(in_other.loyalty_currency_id, self.env.ref("base.EUR"))

    def test_the_sentence_a_rep_reads(self):
        customer = self._customers()["regular"]
        self.assertRegex(
            customer.prediction_summary,
            r"^Next 365 days: about 1\.8 orders and \$\s?193\.12; next order around .+; "
            r"chance of no order: 38 %\.$",
        )
        lapsed = self.env["res.partner"].search([("name", "=", "Predicted lapsed")])
        self.assertIn("more likely gone than not", lapsed.prediction_summary)
        overdue = self.env["res.partner"].search(
            [("predicted_next_order_date", "<", fields.Date.today())]
        )
        self.assertNotIn(customer, overdue)

    def test_no_order_no_prediction(self):
        customer = self._customer("Never Bought")
        self._answer(customer, 9)
        self.env["retention.profile"]._recompute_customers([customer.id])
        self.assertFalse(customer.prediction_summary)
        self.assertFalse(customer.predicted_next_order_date)
        self.assertEqual(customer.revenue_at_risk, 0)


@tagged("post_install", "-at_install")
class TestBgNbdFit(RetentionCase):
    def test_the_fit_recovers_the_parameters_of_a_simulated_population(self):
        """3,000 customers drawn from known parameters over 400 days."""
        truth = {"r": 0.5, "alpha": 20.0, "a": 1.0, "b": 4.0}
        rng = random.Random(7)
        histories = []
        for _customer in range(3000):
            rate = rng.gammavariate(truth["r"], 1 / truth["alpha"])
            dropout = rng.betavariate(truth["a"], truth["b"])
            age = rng.uniform(100, 400)
            day, purchases, last = 0.0, 0, 0.0
            while True:
                day += rng.expovariate(rate) if rate > 0 else math.inf
                if day > age:
                    break
                purchases, last = purchases + 1, day
                if rng.random() < dropout:
                    break
            histories.append((purchases, last, age, 1))
        fitted = retention_bgnbd.fit(histories)
        for name, value in truth.items():
            with self.subTest(param=name):
                self.assertAlmostEqual(fitted[name] / value, 1, delta=0.35)
        # At least as likely as the truth: the optimum is found, not approached.
        self.assertGreaterEqual(
            retention_bgnbd.log_likelihood(fitted, histories),
            retention_bgnbd.log_likelihood(truth, histories) - 1e-6,
        )


@tagged("post_install", "-at_install")
class TestNightlyFit(RetentionCase):
    def test_the_nightly_job_fits_the_company_and_predicts_with_what_it_fitted(self):
        company = self.env.company
        company.write({f"retention_fit_{name}": 0 for name in PARAMS})
        rng = random.Random(3)
        customers = self.env["res.partner"]
        for index in range(60):
            customer = self._customer(f"Nightly {index}")
            for days_ago in sorted(rng.sample(range(1, 400), rng.randint(1, 4)), reverse=True):
                self._sell(customer, 50, days_ago=days_ago)
            customers |= customer
        self.env["retention.profile"]._cron_recompute()
        self.assertTrue(company.retention_fit_date)
        self.assertGreaterEqual(company.retention_fit_customers, 60)
        fitted = {name: company[f"retention_fit_{name}"] for name in PARAMS}
        self.assertTrue(all(value > 0 for value in fitted.values()), fitted)
        # Every prediction comes from the parameters just fitted, not from the
        # defaults the company had before (the statement reads them from the table).
        today = fields.Date.today()
        for customer in customers[:10]:
            profile = customer.retention_profile_ids
            x = profile.lifetime_order_count - 1
            age = (today - profile.first_order_date).days
            t_x = (profile.last_order_date - profile.first_order_date).days
            r, alpha, a, b = (fitted[name] for name in ("r", "alpha", "a", "b"))
            alive = 1.0
            if x:
                alive = 1 / (1 + a / (b + x - 1) * ((alpha + age) / (alpha + t_x)) ** (r + x))
            no_order = 1 - alive + alive * ((alpha + age) / (alpha + age + HORIZON)) ** (r + x)
            with self.subTest(customer=customer.name):
                self.assertAlmostEqual(profile.churn_probability, no_order, places=5)
                self.assertAlmostEqual(
                    profile.predicted_order_count,
                    alive * retention_bgnbd.expected_growth(fitted, x, age, HORIZON),
                    places=5,
                )


@tagged("post_install", "-at_install")
class TestExtremeParameters(RetentionCase):
    def test_extreme_parameters_keep_every_figure_a_number(self):
        """Parameters at the fit's bounds and long, short and bursty
        histories: every figure stays a number (PostgreSQL refuses a float
        product that underflows, and an exponent that overflows)."""
        cases = {
            "tiny rates": {"r": 4.5e-5, "alpha": 22000.0, "a": 4.5e-5, "b": 22000.0},
            "huge rates": {"r": 22000.0, "alpha": 4.5e-5, "a": 22000.0, "b": 4.5e-5},
            "fast dropout": {"r": 0.3, "alpha": 0.01, "a": 200.0, "b": 0.01},
        }
        customers = self.env["res.partner"]
        for index, days in enumerate(([3000, 2999, 2998, 5], [0], [900, 1], [60, 40, 20, 0])):
            customer = self._customer(f"Extreme {index}")
            for days_ago in days:
                self._sell(customer, 10, days_ago=days_ago)
            customers |= customer
        for name, params in cases.items():
            with self.subTest(params=name):
                self.env.company.write({f"retention_fit_{key}": v for key, v in params.items()})
                self.env["retention.profile"]._recompute_customers(customers.ids)
                for customer in customers:
                    self.assertTrue(math.isfinite(customer.predicted_order_count))
                    self.assertTrue(0 <= customer.churn_probability <= 1)
