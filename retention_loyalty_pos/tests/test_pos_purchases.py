from contextlib import contextmanager
from uuid import uuid4

from odoo import Command, fields
from odoo.addons.retention_loyalty.tests.purchase_common import PurchaseCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestPosPurchases(PurchaseCase):
    """The till counts: paid till orders of an identified customer are
    purchases, refunds come off, an order invoiced at the till counts once;
    in EUR company B, beside its sale orders and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context={**cls.env.context, "generate_pdf": False})
        cls.product.available_in_pos = True
        cls.till = cls._open_till(cls.company_b)

    @classmethod
    def _open_till(cls, company):
        env = cls.env(context={**cls.env.context, "allowed_company_ids": company.ids})
        count = env["pos.config"].search_count([("company_id", "=", company.id)])
        cash_journal = env["account.journal"].create(
            {"name": f"Till Cash {count}", "type": "cash", "code": f"TC{count}"}
        )
        cash = env["pos.payment.method"].create(
            {"name": "Cash", "journal_id": cash_journal.id, "company_id": company.id}
        )
        config = env["pos.config"].create(
            {"name": f"Till {company.name}", "payment_method_ids": [Command.set(cash.ids)]}
        )
        config.open_ui()
        return config.current_session_id

    def _ring_up(self, amount, partner=None, invoice=False, session=None, state="paid"):
        """A paid till sale (or a draft one), as the till sends it (sync_from_ui)."""
        session = session or self.till
        env = self.env(context={**self.env.context, "allowed_company_ids": session.company_id.ids})
        method = session.payment_method_ids[:1]
        data = {
            "amount_paid": amount,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": amount,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "pricelist_id": session.config_id.pricelist_id.id,
            "lines": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "qty": 1,
                        "price_unit": amount,
                        "price_subtotal": amount,
                        "price_subtotal_incl": amount,
                        "tax_ids": [],
                    }
                )
            ],
            "partner_id": (partner if partner is not None else self.shared).id,
            "session_id": session.id,
            "payment_ids": [
                Command.create(
                    {
                        "amount": amount,
                        "name": fields.Datetime.now(),
                        "payment_method_id": method.id,
                    }
                )
            ],
            "uuid": str(uuid4()),
            "user_id": self.env.uid,
            "to_invoice": invoice,
            "state": state,
            "sequence_number": 1,
        }
        result = env["pos.order"].sync_from_ui([data])
        return env["pos.order"].browse(result["pos.order"][0]["id"])

    def _refund_at_till(self, order):
        refund = order._refund()
        self.env["pos.make.payment"].with_context(
            active_id=refund.id, active_ids=refund.ids
        ).create(
            {"amount": refund.amount_total, "payment_method_id": self.till.payment_method_ids[0].id}
        ).check()
        return refund

    def test_each_sale_counted_once_with_the_till(self):
        """The issue's table, line by line, in EUR company B."""
        b = self.company_b
        self._order_in(b, 1000, invoice=True)
        self.assertEqual(self._profile(b).loyalty_revenue, 1000)
        self._ring_up(300)
        self.assertEqual(self._profile(b).loyalty_revenue, 1300, "a paid till sale counts")
        invoice = self._invoice_in(b, 500)
        self.assertEqual(self._profile(b).loyalty_revenue, 1800, "a direct invoice counts")
        self._invoice_in(b, 200, refund=True, reversed_entry_id=invoice.id)
        self.assertEqual(self._profile(b).loyalty_revenue, 1600, "a credit note comes off")
        returned = self._order_in(b, 400, invoice=True)
        self._credit_in_full(returned.invoice_ids)
        self.assertEqual(self._profile(b).loyalty_revenue, 1600, "goods returned add nothing")
        invoiced = self._ring_up(250, invoice=True)
        self.assertTrue(invoiced.account_move, "invoiced at the till")
        customer = self._profile(b)
        self.assertEqual(customer.loyalty_revenue, 1850, "invoiced at the till: counted once")
        self.assertEqual(customer.loyalty_order_count, 5)
        self.assertEqual(customer.last_order_date, self.today)
        self.assertEqual(self._profile(self.company_a).loyalty_revenue, 0)

    def test_till_refund_comes_off_and_is_no_order(self):
        b = self.company_b
        order = self._ring_up(300)
        refund = self._refund_at_till(order)
        self.assertEqual(refund.state, "paid")
        customer = self._profile(b)
        self.assertEqual(customer.loyalty_revenue, 0)
        self.assertEqual(customer.loyalty_order_count, 1)

    def test_anonymous_and_unpaid_till_orders_count_nothing(self):
        self._ring_up(300, partner=self.env["res.partner"])
        self.assertEqual(self._profile(self.company_b).loyalty_revenue, 0)
        draft = self.env["pos.order"].search([("session_id", "=", self.till.id)], limit=1)
        self.assertFalse(draft.partner_id)

    def test_draft_and_cancelled_till_orders_count_nothing(self):
        draft = self._ring_up(300, state="draft")
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self._profile(self.company_b).loyalty_revenue, 0, "not paid yet")
        draft.action_pos_order_cancel()
        self.assertEqual(draft.state, "cancel")
        self.assertEqual(self._profile(self.company_b).loyalty_revenue, 0, "cancelled")
        self._ring_up(120)
        self.assertEqual(self._profile(self.company_b).loyalty_revenue, 120)

    def test_closing_the_session_keeps_the_figures(self):
        self._ring_up(300)
        self._ring_up(200, invoice=True)
        self.till.action_pos_session_closing_control()
        self.assertEqual(self.till.state, "closed")
        self.assertEqual(self._profile(self.company_b).loyalty_revenue, 500)

    def test_session_close_is_one_profile_statement_whatever_its_size(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Walk-in {i}", "is_company": True} for i in range(50)]
        )
        for customer in customers[:5]:
            self._ring_up(10, partner=customer)
        with self._profile_statements() as small:
            self.till.action_pos_session_closing_control()
        big_till = self._open_till(self.company_b)
        for customer in customers[5:]:
            self._ring_up(10, partner=customer, session=big_till)
        with self._profile_statements() as big:
            big_till.action_pos_session_closing_control()
        # Posting paid orders moves no figure: no profile statement at all.
        self.assertEqual(len(small), len(big))
        self.assertLessEqual(len(big), 1)

    def test_paid_orders_in_one_write_are_one_profile_statement(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Walk-in {i}", "is_company": True} for i in range(50)]
        )
        orders = [self._ring_up(10, partner=customer, state="draft") for customer in customers]
        orders = self.env["pos.order"].union(*orders)
        self.assertEqual(customers[0].with_company(self.company_b).loyalty_revenue, 0)
        with self._profile_statements() as statements:
            orders.write({"state": "paid"})
        self.assertEqual(len(statements), 1)
        self.assertEqual(customers[0].with_company(self.company_b).loyalty_revenue, 10)

    def test_till_trigger_schedules_the_after_sale_calls(self):
        rule = self._day_2_call_rule("pos_order_paid")
        self._ring_up(300)
        refund = self._refund_at_till(self._ring_up(100))
        self.env["retention.cadence"]._cron_schedule_followups(commit=False)
        # The shared customer's only (a demo database sells to others too).
        followups = self.env["retention.followup"].search(
            [("cadence_id", "=", rule.id), ("partner_id", "=", self.shared.id)]
        )
        self.assertTrue(followups)
        self.assertEqual(set(followups.mapped("res_model")), {"pos.order"})
        self.assertNotIn(refund.id, followups.mapped("res_id"), "a refund is no sale")
        self.assertEqual(followups.partner_id, self.shared)
        self.assertEqual(len(followups), 2, "two sales (one refunded later), two calls")
        self.assertEqual(
            set(followups.activity_id.mapped("res_model")), {"res.partner"}, "on the customer"
        )

    @contextmanager
    def _profile_statements(self):
        """The profile statements run in the block (filled in at its end)."""
        queries, statements = [], []
        with contextmanager(self._patchExecute)(queries):
            yield statements
        for query in queries:
            text = query.decode() if isinstance(query, bytes) else query
            if "INSERT INTO retention_profile" in text:
                statements.append(text)

    def test_a_till_order_updates_its_customer_at_the_same_cost_at_10_and_1000(self):
        def update_queries(customer):
            self.env.invalidate_all()
            queries = []
            with contextmanager(self._patchExecute)(queries):
                customer._loyalty_recompute()
            return queries

        few = self._buyers(10)
        self._refund_at_till(self._ring_up(20, partner=few[0]))
        self._ring_up(30, partner=few[0])
        update_queries(few[0])  # warm the registry caches
        at_10 = update_queries(few[0])
        self._buyers(990)
        update_queries(few[0])
        at_1000 = update_queries(few[0])
        self.assertEqual(len(at_10), len(at_1000))
        with self._profile_statements() as statements:
            self._ring_up(40, partner=few[0])
        self.assertEqual(len(statements), 1, "paying: one profile statement, for its customer")
        self.assertEqual(few[0].with_company(self.company_b).loyalty_revenue, 70)

    def test_a_till_sale_is_a_referred_friends_first_purchase(self):
        referrer = self._customer("Referrer Shop")
        referral = self.env["retention.referral"].create(
            {
                "referrer_id": referrer.id,
                "company_id": self.company_b.id,
                "friend_name": "Fred",
                "email": "fred@friend.example",
            }
        )
        friend = self._customer("Fred", email="fred@friend.example")
        order = self._ring_up(300, partner=friend)
        self.assertEqual(referral.state, "bought")
        self.assertEqual(referral.purchase_ref, order)
        self.assertEqual(referral.order_amount, 300)
        self.assertEqual(friend.referred_by_id, referrer)
        self.assertEqual(referrer.with_company(self.company_b).referral_revenue, 300)
