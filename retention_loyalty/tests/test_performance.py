from odoo import Command
from odoo.tests import tagged

from .common import RetentionCase

CUSTOMERS = 1000


@tagged("post_install", "-at_install")
class TestProfilePerformance(RetentionCase):
    """The profile recompute runs a fixed number of queries, whatever the
    number of customers: no query per record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(CUSTOMERS)]
        )
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "price_unit": 10.0 * i + 1})
                    ],
                }
                for i, customer in enumerate(cls.customers)
            ]
        )
        orders.action_confirm()
        cls.env["retention.feedback"].create(
            [{"partner_id": c.id, "score": i % 11} for i, c in enumerate(cls.customers)]
        )
        # A referral chain over the first hundred customers.
        for referrer, referee in zip(cls.customers[:99], cls.customers[1:100]):
            referee.referred_by_id = referrer

    def _forget_profiles(self, customers):
        """Blank the profiles so the next recompute changes and logs every one."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET loyalty_tier_id = NULL, advocacy_stage = 'new', "
            "loyalty_revenue = 0, satisfaction_score = NULL WHERE id = ANY(%s)",
            [customers.ids],
        )
        self.env.invalidate_all()

    def test_recompute_query_count_does_not_grow_with_customers(self):
        few = self.customers[:10]
        self._forget_profiles(few)
        # Cold caches: the settings are read once (7 queries); 1 insert logs the tier moves.
        with self.assertQueryCount(__system__=22):
            few._loyalty_recompute()
        self.assertTrue(all(few.mapped("loyalty_tier_id")))
        self._forget_profiles(self.customers)
        # 100 times the customers, warm caches: Odoo inserts the chatter notes
        # by batches of a few hundred rows.
        with self.assertQueryCount(__system__=21):
            self.customers._loyalty_recompute()
        self.assertEqual(len(self.customers.filtered("loyalty_tier_id")), CUSTOMERS)
        self.assertEqual(self.customers[0].advocacy_stage, "detractor")
        self.assertEqual(self.customers[120].advocacy_stage, "promoter")
        self.assertEqual(self.customers[9].advocacy_stage, "advocate", "its referee bought")
        logged = self.env["mail.message"].search_count(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", self.customers.ids),
                ("body", "ilike", "Loyalty tier: none"),
            ]
        )
        self.assertGreaterEqual(logged, 2 * CUSTOMERS, "one note per customer and per run")

    def test_nothing_to_change_writes_nothing(self):
        with self.assertQueryCount(__system__=8):
            self.customers._loyalty_recompute()
