from contextlib import contextmanager

from odoo import Command
from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestProfileInputs(RetentionCase):
    """The profile follows every input of the engine, at once."""

    def test_repricing_and_adding_a_line_of_a_confirmed_order(self):
        customer = self._customer("Repriced")
        order = self._sell(customer, 1000)
        self.assertEqual(customer.loyalty_revenue, 1000)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        order.order_line.price_unit = 6000
        self.assertEqual(customer.loyalty_revenue, 6000)
        order.write(
            {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 20000})]}
        )
        self.assertEqual(customer.loyalty_revenue, 26000)
        self.assertEqual(customer.lifetime_revenue, 26000)
        order.order_line[:1].discount = 50
        self.assertEqual(customer.loyalty_revenue, 23000)

    def test_tier_counts_individuals_too(self):
        company = self._customer("Company buyer")
        person = self.env["res.partner"].create({"name": "Private buyer"})
        self._sell(company, 100)
        self._sell(person, 100)
        self.assertEqual(person.loyalty_tier_id, self.bronze)
        bronze = self.bronze.with_context(active_test=False)
        held = self.env["res.partner"].search_count([("loyalty_tier_id", "=", self.bronze.id)])
        self.assertEqual(
            bronze.partner_count,
            self.env["retention.profile"].search_count(
                [("loyalty_tier_id", "=", self.bronze.id), ("company_id", "=", self.env.company.id)]
            ),
        )
        self.assertGreaterEqual(bronze.partner_count, 2)
        self.assertGreaterEqual(held, 2)

    def test_the_score_shown_is_the_score_classified(self):
        customer = self._customer("Almost nine")
        # 32 nines and one eight: 8.97, shown and stored as 9.0: a promoter.
        self.env["retention.feedback"].create(
            [{"partner_id": customer.id, "score": 9} for _ in range(32)]
            + [{"partner_id": customer.id, "score": 8}]
        )
        self.assertEqual(customer.satisfaction_score, 9.0)
        self.assertEqual(customer.nps_category, "promoter")
        self.assertEqual(customer.advocacy_stage, "promoter")
        repeat_not_promoters = self.env["res.partner"].search(
            [("id", "=", customer.id), ("nps_category", "in", ("passive", "detractor"))]
        )
        self.assertFalse(repeat_not_promoters)

    def test_a_contact_created_under_a_customer_triggers_no_recompute(self):
        referrer = self._customer("Referrer")
        customer = self._customer("Busy company", referred_by_id=referrer.id)
        self._sell(customer, 100)
        queries = []
        with contextmanager(self._patchExecute)(queries):
            contacts = self.env["res.partner"].create(
                [{"name": f"Contact {i}", "parent_id": customer.id} for i in range(20)]
            )
            contacts.write({"phone": "+358 40 123"})
        self.assertEqual(contacts.referred_by_id, referrer, "the referral is copied")
        self.assertFalse([q for q in queries if "retention_profile" in q], "no recompute")
