from contextlib import contextmanager
from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user, tagged

from .purchase_common import PurchaseCase


@tagged("post_install", "-at_install")
class TestPurchaseChannels(PurchaseCase):
    """Every sale counts once, whatever its channel: confirmed sale orders,
    direct invoices, and credit notes that take their amount off. The till is
    retention_loyalty_pos's (its tests replay this table with the till)."""

    def test_each_sale_counted_once_and_credits_taken_off(self):
        b = self.company_b
        self._order_in(b, 1000, invoice=True)
        self.assertEqual(self._profile(b).loyalty_revenue, 1000, "an invoiced order counts once")
        invoice = self._invoice_in(b, 500, invoice_date=self._days_ago(3))
        self.assertEqual(self._profile(b).loyalty_revenue, 1500, "a direct invoice is a purchase")
        self._invoice_in(b, 200, refund=True, reversed_entry_id=invoice.id)
        self.assertEqual(self._profile(b).loyalty_revenue, 1300, "a credit note comes off")
        returned = self._order_in(b, 400, invoice=True)
        self.assertEqual(self._profile(b).loyalty_revenue, 1700)
        self._credit_in_full(returned.invoice_ids)
        customer = self._profile(b)
        self.assertEqual(customer.loyalty_revenue, 1300, "goods returned in full add nothing")
        self.assertEqual(customer.lifetime_revenue, 1300)
        # Sales are orders (the returned one was bought); credits are not.
        self.assertEqual(customer.loyalty_order_count, 3)
        self.assertEqual(customer.last_order_date, self.today)
        self.assertEqual(customer.first_order_date, self._days_ago(3))
        self.assertEqual(customer.loyalty_currency_id, self.eur)
        # Company A sold nothing: the shared customer has nothing there.
        self.assertEqual(self._profile(self.company_a).loyalty_revenue, 0)

    def test_draft_reset_and_cancelled_invoices_count_nothing(self):
        a = self.company_a
        invoice = self._invoice_in(a, 300, post=False)
        self.assertEqual(self._profile(a).loyalty_revenue, 0, "a draft is no purchase")
        invoice.action_post()
        self.assertEqual(self._profile(a).loyalty_revenue, 300)
        self.assertEqual(self._profile(a).loyalty_order_count, 1)
        invoice.button_draft()
        self.assertEqual(self._profile(a).loyalty_revenue, 0, "reset to draft: gone at once")
        self.assertEqual(self._profile(a).loyalty_order_count, 0)
        invoice.button_cancel()
        self.assertEqual(self._profile(a).loyalty_revenue, 0, "cancelled: nothing")

    def test_draft_reset_and_cancelled_credit_notes_take_nothing_off(self):
        a = self.company_a
        self._invoice_in(a, 1000)
        credit = self._invoice_in(a, 250, refund=True, post=False)
        self.assertEqual(self._profile(a).loyalty_revenue, 1000)
        credit.action_post()
        self.assertEqual(self._profile(a).loyalty_revenue, 750)
        self.assertEqual(self._profile(a).loyalty_order_count, 1, "a credit is no order")
        credit.button_draft()
        self.assertEqual(self._profile(a).loyalty_revenue, 1000)
        credit.button_cancel()
        self.assertEqual(self._profile(a).loyalty_revenue, 1000)

    def test_draft_and_cancelled_orders_count_nothing(self):
        a = self.company_a
        order = self._order_in(a, 600)
        self.assertEqual(self._profile(a).loyalty_revenue, 600)
        order._action_cancel()
        self.assertEqual(self._profile(a).loyalty_revenue, 0)
        order.action_draft()
        self.assertEqual(self._profile(a).loyalty_revenue, 0, "a quotation is no purchase")

    def test_invoice_in_another_currency_at_its_own_rate(self):
        # 500 EUR in USD company A at 1 USD = 0.5 EUR: 1,000 USD.
        self._invoice_in(self.company_a, 500, currency_id=self.eur.id)
        customer = self._profile(self.company_a)
        self.assertEqual(customer.loyalty_revenue, 1000)
        self.assertEqual(customer.loyalty_currency_id, self.usd)

    def test_shared_customer_has_each_companys_invoices(self):
        self._invoice_in(self.company_a, 100)
        self._invoice_in(self.company_b, 700)
        self.assertEqual(self._profile(self.company_a).loyalty_revenue, 100)
        self.assertEqual(self._profile(self.company_b).loyalty_revenue, 700)

    def test_invoice_of_a_contact_counts_for_its_company(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.shared.id})
        self._invoice_in(self.company_a, 100, partner=contact)
        self.assertEqual(self._profile(self.company_a).loyalty_revenue, 100)

    def test_purchases_list_names_each_document_once(self):
        b = self.company_b
        order = self._order_in(b, 1000, invoice=True)
        invoice = self._invoice_in(b, 500)
        credit = self._credit_in_full(invoice)
        purchases = self.env["retention.purchase"].search([("partner_id", "=", self.shared.id)])
        self.assertEqual(
            sorted((p.res_model, p.res_id, p.channel, p.amount, p.is_order) for p in purchases),
            sorted(
                [
                    ("sale.order", order.id, "sale", 1000, True),
                    ("account.move", invoice.id, "invoice", 500, True),
                    ("account.move", credit.id, "refund", -500, False),
                ]
            ),
        )
        # A rep of company A sees none of B's purchases.
        rep_a = new_test_user(
            self.env,
            login="purchases_rep_a",
            groups="sales_team.group_sale_salesman",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        self.assertFalse(
            self.env["retention.purchase"]
            .with_user(rep_a)
            .search([("partner_id", "=", self.shared.id)])
        )

    def test_purchases_button_lists_the_customers_purchases(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.shared.id})
        invoice = self._invoice_in(self.company_b, 500, partner=contact)
        other = self._customer("Someone Else")
        self._invoice_in(self.company_b, 80, partner=other)  # not listed
        action = contact.action_view_purchases()
        listed = self.env["retention.purchase"].search(action["domain"])
        self.assertIn(("account.move", invoice.id), [(p.res_model, p.res_id) for p in listed])
        self.assertEqual(listed.partner_id, self.shared, "the company's, from its contact's form")
        self.assertIn("Shared Customer", action["display_name"], "the breadcrumb says whose")

    def test_tier_and_health_follow_a_return(self):
        b = self.company_b
        invoices = [self._invoice_in(b, 2000) for _i in range(3)]
        self.assertEqual(self._profile(b).loyalty_tier_id, self.silver, "6,000 in 3 orders")
        self._credit_in_full(invoices[0])
        customer = self._profile(b)
        self.assertEqual(customer.loyalty_revenue, 4000)
        self.assertEqual(customer.loyalty_tier_id, self.bronze, "the returned goods' tier goes")

    def test_recompute_of_every_profile_reads_every_channel(self):
        b = self.company_b
        self._order_in(b, 1000)
        self._invoice_in(b, 500, invoice_date=self.today - timedelta(days=400))
        self._invoice_in(b, 50, refund=True)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        customer = self._profile(b)
        self.assertEqual(customer.loyalty_revenue, 950, "the old invoice is outside the window")
        self.assertEqual(customer.lifetime_revenue, 1450)
        self.assertEqual(customer.loyalty_order_count, 1)
        self.assertEqual(customer.first_order_date, self.today - timedelta(days=400))

    def test_direct_invoice_trigger_follows_invoices_not_orders(self):
        rule = self._day_2_call_rule("invoice_posted")
        direct = self._invoice_in(self.company_a, 500)
        self._order_in(self.company_a, 900, invoice=True)
        self._invoice_in(self.company_a, 100, post=False)
        self.env["retention.cadence"]._cron_schedule_followups(commit=False)
        # The shared customer's only (a demo database sells to others too).
        followups = self.env["retention.followup"].search(
            [("cadence_id", "=", rule.id), ("partner_id", "=", self.shared.id)]
        )
        self.assertEqual(
            followups.mapped("res_id"), direct.ids, "the order's invoice is the order's"
        )
        self.assertEqual(followups.partner_id, self.shared)
        direct.button_cancel()
        self.env["retention.cadence"]._cron_schedule_followups(commit=False)
        self.assertNotEqual(
            followups.state, "planned", "a cancelled invoice's pending calls are dropped"
        )


@tagged("post_install", "-at_install")
class TestPurchaseUpdateCost(PurchaseCase):
    """Posting an invoice updates its customer alone, in one profile statement
    that costs the same with 10 customers who bought and with 1,000."""

    def _update_queries(self, customer):
        """The immediate update of a customer with invoices and a credit note,
        from a cold record cache."""
        self.env.invalidate_all()
        queries = []
        with contextmanager(self._patchExecute)(queries):
            customer._loyalty_recompute()
        return [q.decode() if isinstance(q, bytes) else q for q in queries]

    def _post_queries(self, customer):
        invoice = self._invoice_in(self.company_a, 100, partner=customer, post=False)
        self.env.flush_all()
        queries = []
        with contextmanager(self._patchExecute)(queries):
            invoice.action_post()
            self.env.flush_all()
        return [q.decode() if isinstance(q, bytes) else q for q in queries]

    def test_an_invoice_updates_its_customer_at_the_same_cost_at_10_and_1000(self):
        few = self._buyers(10)
        self._invoice_in(self.company_a, 300, partner=few[0])
        self._invoice_in(self.company_a, 50, partner=few[0], refund=True)
        self._update_queries(few[0])  # warm the registry caches
        at_10 = self._update_queries(few[0])
        self._buyers(990)
        self._update_queries(few[0])
        at_1000 = self._update_queries(few[0])
        summary = "\n".join(" ".join(query.split())[:120] for query in at_1000)
        self.assertEqual(len(at_10), len(at_1000), summary)
        posting = self._post_queries(few[0])
        profile = [q for q in posting if "INSERT INTO retention_profile" in q]
        self.assertEqual(len(profile), 1, "posting: one profile statement, for its customer")
        self.assertEqual(self._profile(self.company_a, few[0]).loyalty_revenue, 350)
