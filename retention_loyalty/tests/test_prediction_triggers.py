"""The prediction triggers through the cadence engine: a call when the next
order is overdue, a win-back when the chance of no order is high; each ends
when the customer buys again."""

from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .test_cadence import CadenceCase
from .test_predictions import HISTORIES, PARAMS

STEP = [{"summary": "Predicted touch", "delay_count": 0, "delay_from": "after_plan_date"}]


@tagged("post_install", "-at_install")
class TestPredictionTriggers(CadenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("retention_loyalty.prediction_horizon_days", 365)
        cls.env.company.write(
            {
                **{f"retention_fit_{name}": value for name, value in PARAMS.items()},
                "retention_fit_order_value": 150.0,
            }
        )

    def _buyer(self, name, days_ago_list):
        customer = self._customer(name, user_id=self.rep.id)
        for days_ago in days_ago_list:
            self._sell(customer, 100, days_ago=days_ago)
        return customer

    @freeze_time("2030-06-03 10:00:00")
    def test_a_call_when_the_next_order_is_overdue_until_they_buy(self):
        self._rule("next_order_overdue", STEP, overdue_days=7)
        # Every 90 days, the last 150 days ago: the next order was due 138 days
        # after it (1 / lambda), 12 days ago: overdue by more than 7.
        late = self._buyer("Overdue buyer", [420, 330, 240, 150])
        on_time = self._buyer("On-time buyer", [days for _a, days in HISTORIES["regular"]])
        self.assertEqual(late.predicted_next_order_date.isoformat(), "2030-05-22")
        self._run()
        self.assertEqual(len(self._activities(late)), 1)
        self.assertFalse(self._activities(on_time), "its next order is 30 days away")
        self._sell(late, 100)
        self._run()
        self.assertFalse(self._activities(late), "bought again: no longer overdue")

    @freeze_time("2030-06-03 10:00:00")
    def test_a_win_back_when_the_chance_of_no_order_is_high(self):
        self._rule("churn_probability", STEP, churn_min_percent=90)
        gone = self._buyer("Gone buyer", [days for _a, days in HISTORIES["lapsed"]])
        regular = self._buyer("Regular buyer", [days for _a, days in HISTORIES["regular"]])
        self.assertGreaterEqual(gone.churn_probability, 0.9)
        self._run()
        self.assertEqual(len(self._activities(gone)), 1)
        self.assertFalse(self._activities(regular))
        self._run()
        self.assertEqual(len(self._activities(gone)), 1, "one per last order")

    @freeze_time("2030-06-03 10:00:00")
    def test_the_digest_counts_the_revenue_at_risk_that_fell_due(self):
        late = self._buyer("Overdue buyer", [420, 330, 240, 150])  # due 2030-05-22
        self._buyer("On-time buyer", [days for _a, days in HISTORIES["regular"]])

        def kpi(start, end):
            # A digest per period: the value is cached per record.
            digest = self.env["digest.digest"].create(
                {"name": "Risk", "company_id": self.env.company.id}
            )
            return digest.with_context(
                start_datetime=datetime.fromisoformat(start),
                end_datetime=datetime.fromisoformat(end),
            ).kpi_retention_revenue_at_risk_value

        self.assertGreater(late.revenue_at_risk, 0)
        self.assertAlmostEqual(kpi("2030-05-20", "2030-05-27"), late.revenue_at_risk, places=2)
        self.assertEqual(kpi("2030-05-27", "2030-06-03"), 0, "nothing fell due that week")
