from freezegun import freeze_time

from odoo.tests import tagged

from .test_cadence import DAY248, CadenceCase


@tagged("post_install", "-at_install")
class TestOneSequencePerCustomer(CadenceCase):
    """A rule on the customer runs once per customer at a time: orders
    confirmed while the customer's sequence runs join it. A rule on the
    document still runs per order."""

    def _customer_rule(self):
        return self._rule(
            "sale_confirmed",
            [
                {
                    "delay_count": 2,
                    "delay_unit": "days",
                    "delay_from": "after_plan_date",
                    "summary": "Day 2 call",
                },
                {
                    "delay_count": 8,
                    "delay_unit": "days",
                    "delay_from": "after_plan_date",
                    "summary": "Day 8 visit",
                },
            ],
            target="customer",
        )

    def _calls(self, customer, summary):
        return self._activities(customer).filtered(lambda a: a.summary == summary)

    @freeze_time("2030-03-04 10:00:00")
    def test_a_burst_of_orders_makes_one_sequence(self):
        rule = self._customer_rule()
        gemini = self._customer("Gemini Burst", user_id=self.rep.id)
        other = self._customer("Other Burst", user_id=self.rep.id)
        for _order in range(8):
            self._sell(gemini, 100)
        self._sell(other, 100)
        self._run()
        self.assertEqual(len(self._calls(gemini, "Day 2 call")), 1, "one call, not eight")
        self.assertEqual(len(self._calls(other, "Day 2 call")), 1)
        with freeze_time("2030-03-10 08:00:00"):
            self._run()
        self.assertEqual(len(self._calls(gemini, "Day 8 visit")), 1, "one visit, not eight")
        joined = self.env["retention.followup"].search(
            [("cadence_id", "=", rule.id), ("partner_id", "=", gemini.id)]
        )
        # The ledger keeps every order's steps: none is created again later.
        self.assertEqual(len(joined), 16)
        self.assertEqual(joined.mapped("state").count("cancelled"), 14)
        with freeze_time("2030-03-10 09:00:00"):
            self.assertEqual(self._run(), 0)

    @freeze_time("2030-03-04 10:00:00")
    def test_an_order_while_the_sequence_runs_joins_it_after_it_starts_anew(self):
        self._customer_rule()
        customer = self._customer("Regular Burst", user_id=self.rep.id)
        self._sell(customer, 100)
        self._run()
        with freeze_time("2030-03-07 10:00:00"):  # day 3 of 8: running
            self._sell(customer, 100)
            self._run()
        self.assertEqual(len(self._calls(customer, "Day 2 call")), 1)
        with freeze_time("2030-03-14 10:00:00"):  # day 10: that sequence ended
            self._sell(customer, 100)
            self._run()
        self.assertEqual(len(self._calls(customer, "Day 2 call")), 2)

    @freeze_time("2030-03-04 10:00:00")
    def test_a_rule_on_the_document_runs_per_order_and_says_so(self):
        rule = self._on(DAY248)
        customer = self._customer("Per Order", user_id=self.rep.id)
        orders = [self._sell(customer, 100) for _order in range(3)]
        self._run()
        for order in orders:
            self.assertEqual(len(self._activities(order)), 2, "each order its day 2 and 4 calls")
        self.assertEqual(rule.run_scope, "Per document: each one gets its own steps.")
        self.assertIn("(8 days) joins it", self._customer_rule().run_scope)
