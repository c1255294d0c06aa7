from contextlib import contextmanager

from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_amount

from ..models.retention_profile_sql import KEY_ACCOUNT_QUERY
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
        # Cold caches: the settings, the notes' author and language (the
        # salesperson's or the company's: its labels and tier names) are read
        # once; one INSERT logs the chatter notes, one the tier moves. Then the
        # health statement, and the notes of the bands that changed (their
        # profiles, companies and currencies read once); then the predictions:
        # the distinct histories, the companies' parameters, one UPDATE. The
        # new members' card codes: who has none, the codes' uniqueness in the
        # company (and the company), one UPDATE.
        # Cold whatever ran before (another test may leave a cache warm: the
        # count was 48 or 50 by the order tests ran in).
        self.env.registry.clear_all_caches()
        with self.assertQueryCount(__system__=50):
            few._loyalty_recompute()
        self.assertTrue(all(few.mapped("loyalty_tier_id")))
        self._forget_profiles(self.customers)
        # 100 times the customers, warm caches: fewer queries, not more (the
        # members all have their card: one query finds none lacks one).
        with self.assertQueryCount(__system__=16):
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
        with self.assertQueryCount(__system__=5):
            self.customers._loyalty_recompute()

    def test_fast_money_format_matches_odoo(self):
        money = self.env["retention.profile"]._money_formatter()
        currency = self.env.company.currency_id
        for amount in (0, 5, 999.994, 1234.5, 20500, 1234567.891, -2500.5):
            self.assertEqual(money(amount), format_amount(self.env, amount, currency))
        french = self.env["res.lang"]._activate_lang("fr_FR")
        partners = self.env["res.partner"].with_context(lang=french.code)
        self.assertEqual(
            partners.env["retention.profile"]._money_formatter()(1234567.5),
            format_amount(partners.env, 1234567.5, currency),
        )


@tagged("post_install", "-at_install")
class TestImmediateUpdate(RetentionCase):
    """A rep's save recomputes only the customer concerned: the same queries
    with 10 customers and with 1,000, and no statement over all of them."""

    def _one_customer_recompute(self, customer):
        self.env.invalidate_all()
        queries = []
        with contextmanager(self._patchExecute)(queries):
            customer._loyalty_recompute()
        return queries

    def _customers(self, count, offset):
        customers = self.env["res.partner"].create(
            [{"name": f"Pinned {offset + i}", "is_company": True} for i in range(count)]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": 5})
                    ],
                }
                for customer in customers
            ]
        )
        orders.action_confirm()
        self.env["res.partner"]._cron_recompute_loyalty_profiles()  # the nightly cut
        return customers

    def test_one_customer_costs_the_same_at_10_and_1000_customers(self):
        few = self._customers(10, 0)
        self._sell(few[0], 50)
        self._one_customer_recompute(few[0])  # warm the registry caches
        at_10 = self._one_customer_recompute(few[0])
        self._customers(990, 10)
        self._sell(few[0], 50)
        self._one_customer_recompute(few[0])
        at_1000 = self._one_customer_recompute(few[0])
        summary = "\n".join(" ".join(query.split())[:120] for query in at_1000)
        self.assertEqual(len(at_10), len(at_1000), summary)
        # Cold record cache: the customer, who referred it, one statement for
        # the customer's profiles, one for their health (the engine's day is
        # the database's: no time zone to read); the predictions: the
        # distinct histories, the company's parameters, one statement.
        self.assertEqual(len(at_1000), 7, summary)
        ranking = KEY_ACCOUNT_QUERY.split()[:6]
        for query in at_1000:
            self.assertNotEqual(query.split()[:6], ranking, "no key-account re-ranking")
            self.assertNotIn("FROM res_partner WHERE id = commercial_partner_id ORDER BY", query)
