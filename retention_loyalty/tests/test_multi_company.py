from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestMultiCompany(RetentionCase):
    """Company A in USD and company B in EUR sell to one shared customer: each
    company's users see that company's profile, in its currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company_a = cls.env["res.company"].create({"name": "Shop A", "currency_id": cls.usd.id})
        cls.company_b = cls.env["res.company"].create({"name": "Shop B", "currency_id": cls.eur.id})
        # 1 USD = 0.5 EUR in A: 500 EUR is 1,000 USD there.
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "rate": 0.5, "company_id": cls.company_a.id}
        )
        cls.eur_in_a = cls.env["product.pricelist"].create(
            {"name": "EUR in A", "currency_id": cls.eur.id, "company_id": cls.company_a.id}
        )
        cls.env.user.company_ids |= cls.company_a | cls.company_b
        cls.rep_a, cls.rep_b = (
            new_test_user(
                cls.env,
                login=f"mc_rep_{key}",
                groups="sales_team.group_sale_salesman,product.group_product_pricelist",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for key, company in (("a", cls.company_a), ("b", cls.company_b))
        )
        cls.shared = cls._customer("Shared Customer")
        # B's own tier, between the shared Bronze and Silver.
        cls.euro_gold = cls.env["retention.tier"].create(
            {
                "name": "Euro Club",
                "sequence": 15,
                "min_revenue": 2500,
                "min_order_count": 1,
                "company_id": cls.company_b.id,
            }
        )

    @classmethod
    def _sell_in(cls, company, amount, pricelist=None, partner=None):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.shared).id,
                    "company_id": company.id,
                    **({"pricelist_id": pricelist.id} if pricelist else {}),
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "price_unit": amount})
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    def _seen_by(self, user):
        return self.shared.with_user(user).with_company(user.company_id)

    def test_each_company_sees_its_own_revenue_currency_and_tier(self):
        self._sell_in(self.company_a, 1000)
        self._sell_in(self.company_a, 500, pricelist=self.eur_in_a)  # 1,000 USD at A's rate
        self._sell_in(self.company_b, 3000)
        in_a, in_b = self._seen_by(self.rep_a), self._seen_by(self.rep_b)
        self.assertEqual(in_a.loyalty_revenue, 2000)
        self.assertEqual(in_a.loyalty_currency_id, self.usd)
        self.assertEqual(in_a.loyalty_order_count, 2)
        self.assertEqual(in_b.loyalty_revenue, 3000)
        self.assertEqual(in_b.loyalty_currency_id, self.eur)
        self.assertEqual(in_b.loyalty_tier_id, self.euro_gold)
        self.assertNotEqual(in_a.loyalty_tier_id, self.euro_gold, "B's tier is not A's")
        # Company-A users with the Pricelists group open the customer.
        in_a.read(["property_product_pricelist", "loyalty_tier_id"])
        # Searches and group-bys read the current company's profile too.
        customers = self.env["res.partner"].with_user(self.rep_b).with_company(self.company_b)
        self.assertIn(self.shared, customers.search([("loyalty_tier_id", "=", self.euro_gold.id)]))
        groups = customers._read_group(
            [("id", "=", self.shared.id)], ["loyalty_tier_id"], ["loyalty_revenue:sum"]
        )
        self.assertEqual(groups, [(self.euro_gold, 3000)])
        # The tier's reason in each company's note is in its currency, on the
        # company's profile: the partner's chatter is shared by both companies.
        profile_b = self.shared.retention_profile_ids.filtered(
            lambda p: p.company_id == self.company_b
        )
        notes = profile_b.message_ids.mapped("body")
        self.assertTrue(any("€" in note and "Loyalty tier" in note for note in notes), notes)
        self.assertFalse(
            [n for n in self.shared.message_ids.mapped("body") if "Loyalty tier" in n],
            "no company's figures on the shared chatter",
        )

    def test_alternating_recomputes_log_no_tier_change(self):
        self._sell_in(self.company_a, 1000)
        self._sell_in(self.company_b, 3000)
        history = self.env["retention.tier.history"].sudo()
        moves = history.search_count([("partner_id", "=", self.shared.id)])
        for user in (self.rep_a, self.rep_b, self.rep_a, self.rep_b):
            self.shared.with_user(user).with_company(user.company_id)._loyalty_recompute()
        self.assertEqual(history.search_count([("partner_id", "=", self.shared.id)]), moves)

    def test_key_accounts_are_cut_per_company(self):
        big_in_a = [self._customer(f"A whale {i}") for i in range(10)]
        for customer in big_in_a:
            self._sell_in(self.company_a, 90_000, partner=customer)
        self._sell_in(self.company_b, 100)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertTrue(self._seen_by(self.rep_b).is_key_account, "B's top customer")
        self.assertFalse(self._seen_by(self.rep_a).is_key_account)

    def test_feedback_on_another_company_customer_is_refused(self):
        customer_b = self._customer("B only", company_id=self.company_b.id)
        feedback = self.env["retention.feedback"].with_user(self.rep_a).with_company(self.company_a)
        with self.assertRaises(UserError):  # an access or company error
            feedback.create({"partner_id": customer_b.id, "score": 0})
        self.assertFalse(customer_b.with_company(self.company_b).satisfaction_score)

    def test_feedback_moves_only_its_company_profile(self):
        feedback = self.env["retention.feedback"].with_user(self.rep_b)
        feedback.with_company(self.company_b).create({"partner_id": self.shared.id, "score": 3})
        self.assertEqual(self._seen_by(self.rep_b).advocacy_stage, "detractor")
        self.assertEqual(self._seen_by(self.rep_a).advocacy_stage, "new")
        self.assertEqual(self._seen_by(self.rep_a).satisfaction_score, 0)

    def test_what_a_user_sets_holds_in_their_company_only(self):
        self._seen_by(self.rep_a).write({"opportunity_level": "high", "reference_consent": True})
        self.assertEqual(self._seen_by(self.rep_a).opportunity_level, "high")
        self.assertEqual(self._seen_by(self.rep_b).opportunity_level, "medium")
        self.assertFalse(self._seen_by(self.rep_b).reference_consent)

    def test_a_rep_cannot_give_a_locked_tier_by_any_path(self):
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": self.shared.id})
        as_rep = contact.with_user(self.rep_a).with_company(self.company_a)
        platinum = self.platinum.id
        for vals in (
            {"parent_id": False, "loyalty_tier_id": platinum, "loyalty_tier_locked": True},
            {"is_company": True, "loyalty_tier_id": platinum, "loyalty_tier_locked": True},
            {"loyalty_tier_locked": True},
        ):
            with self.assertRaises(AccessError):
                as_rep.write(vals)
        with self.assertRaises(AccessError):
            as_rep.write({"is_key_account": True})
        self.assertFalse(contact.with_company(self.company_a).loyalty_tier_locked)
        self.assertEqual(contact.commercial_partner_id, self.shared)

    def test_health_is_per_company_and_in_its_currency(self):
        """A shared customer, healthy in A (recent orders, growing), leaving
        B (one order 300 days ago): each company reads its own score, band,
        explanation (amounts in its currency) and history."""
        for days, amount in ((500, 400), (40, 1000), (20, 1000)):
            order = self._sell_in(self.company_a, amount)
            order.date_order = fields.Datetime.now() - timedelta(days=days)
        order = self._sell_in(self.company_b, 3000)
        order.date_order = fields.Datetime.now() - timedelta(days=300)
        self.shared._loyalty_recompute()
        in_a, in_b = self._seen_by(self.rep_a), self._seen_by(self.rep_b)
        self.assertGreater(in_a.health_score, in_b.health_score)
        self.assertEqual(in_b.health_band, "poor")
        # A: 2,000 in the window against 400 the year before: trend 100.
        self.assertIn("revenue trend 0: $\N{NO-BREAK SPACE}2,000.00", in_a.health_explanation)
        # B: one order 300 days ago, expected every 90 days.
        self.assertIn("no order for 300 days, expected every 90", in_b.health_explanation)
        history = self.env["retention.health.history"].with_user(self.rep_b)
        self.assertEqual(
            history.search([("partner_id", "=", self.shared.id)]).company_id,
            self.company_b,
            "a rep of B sees B's rows only",
        )
        shop_b = self.env["res.partner"].with_company(self.company_b)
        self.assertIn(self.shared, shop_b.search([("health_band", "=", "poor")]))
        self.assertNotIn(
            self.shared,
            self.env["res.partner"]
            .with_company(self.company_a)
            .search([("health_band", "=", "poor")]),
        )

    def test_one_companys_notes_and_changes_stay_with_that_company(self):
        self._sell_in(self.company_a, 32000)  # A's revenue, tier and health notes
        self.env["retention.complaint"].with_company(self.company_a).create(
            {"name": "Late", "partner_id": self.shared.id, "company_id": self.company_a.id}
        )
        # A's rep sets values by hand: their changes are tracked in A only.
        as_a = self.shared.with_user(self.rep_a).with_company(self.company_a)
        as_a.write({"opportunity_level": "high", "advocacy_stage": "promoter"})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written as the transaction ends
        messages = self.env["mail.message"].with_user(self.rep_b).with_company(self.company_b)
        seen_by_b = messages.search([]).filtered(
            lambda m: (
                (m.model, m.res_id) == ("res.partner", self.shared.id)
                or (
                    m.model == "retention.profile"
                    and m.res_id in self.shared.retention_profile_ids.ids
                )
            )
        )
        text = " ".join(seen_by_b.mapped(lambda m: str(m.body)))
        for secret in ("32,000", "Loyalty tier", "Health", "Moved by hand"):
            self.assertNotIn(secret, text, "company B's rep reads A's figures")
        tracked = seen_by_b.sudo().tracking_value_ids.mapped("field_id.name")
        self.assertFalse(set(tracked) & {"opportunity_level", "advocacy_stage", "loyalty_tier_id"})
        # A's rep reads them, on A's profile.
        profile_a = self.shared.retention_profile_ids.filtered(
            lambda p: p.company_id == self.company_a
        )
        as_rep_a = profile_a.with_user(self.rep_a).with_company(self.company_a)
        bodies = " ".join(str(body) for body in as_rep_a.message_ids.mapped("body"))
        self.assertIn("Loyalty tier", bodies)
        self.assertIn("Moved by hand", bodies)
        self.assertIn(
            "opportunity_level",
            as_rep_a.message_ids.sudo().tracking_value_ids.mapped("field_id.name"),
        )
        self.assertEqual(as_rep_a.action_open_history()["res_id"], profile_a.id)
