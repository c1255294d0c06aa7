from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_amount

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
            "UPDATE retention_profile SET loyalty_tier_id = NULL, advocacy_stage = 'new', "
            "loyalty_revenue = 0, satisfaction_score = NULL WHERE partner_id = ANY(%s)",
            [customers.ids],
        )
        self.env.invalidate_all()

    def test_recompute_query_count_does_not_grow_with_customers(self):
        few = self.customers[:10]
        self._forget_profiles(few)
        # Cold caches: the settings and the notes' author are read once; one INSERT
        # logs the chatter notes, one the tier moves.
        with self.assertQueryCount(__system__=21):
            few._loyalty_recompute()
        self.assertTrue(all(few.mapped("loyalty_tier_id")))
        self._forget_profiles(self.customers)
        # 100 times the customers, warm caches: fewer queries, not more.
        with self.assertQueryCount(__system__=12):
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
        self.customers._loyalty_recompute()  # warm caches, whatever ran before
        with self.assertQueryCount(__system__=4):
            self.customers._loyalty_recompute()

    def test_fast_money_format_matches_odoo(self):
        money = self.env["res.partner"]._loyalty_money_formatter()
        currency = self.env.company.currency_id
        for amount in (0, 5, 999.994, 1234.5, 20500, 1234567.891, -2500.5):
            self.assertEqual(money(amount), format_amount(self.env, amount, currency))
        french = self.env["res.lang"]._activate_lang("fr_FR")
        partners = self.env["res.partner"].with_context(lang=french.code)
        self.assertEqual(
            partners._loyalty_money_formatter()(1234567.5),
            format_amount(partners.env, 1234567.5, currency),
        )
