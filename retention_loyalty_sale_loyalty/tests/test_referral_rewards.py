"""Referral rewards through sale_loyalty: the friend's welcome code, the
referrer's reward held after the friend's first order then issued (or
cancelled with the order), the yearly cap, and every fraud rule with the
reason a rep reads."""

from datetime import timedelta

from odoo import Command, fields
from odoo.addons.retention_loyalty.models.retention_identity import address_key, email_key
from odoo.addons.retention_loyalty.tests.common import RetentionCase
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReferralRewards(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Rewards are due on the user's day (the engine's is the database's).
        cls.local_today = fields.Date.context_today(cls.env.user)
        cls.company = cls.env.company
        cls.welcome, cls.credit = cls._programs(cls.company, "A")
        cls.company.write(
            {
                "retention_referral_welcome_program_id": cls.welcome.id,
                "retention_referral_reward_program_id": cls.credit.id,
                "retention_referral_reward_points": 25,
            }
        )
        for key, value in (("hold_days", 30), ("yearly_cap", 10), ("ip_day_limit", 3)):
            cls.env["ir.config_parameter"].set_param(f"retention_loyalty.referral_{key}", value)
        cls.referrer = cls._customer(
            "Referrer Ltd",
            email="boss@referrer.example",
            phone="+1 555 123 4567",
            street="1 Main Street",
            zip="1000",
            city="Springfield",
        )
        cls.referrer_contact = cls.env["res.partner"].create(
            {
                "name": "Rita Referrer",
                "parent_id": cls.referrer.id,
                "email": "rita@referrer.example",
            }
        )
        cls.portal = new_test_user(cls.env, login="rw_portal", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.referrer
        cls.rep = new_test_user(cls.env, login="rw_rep", groups="sales_team.group_sale_salesman")
        cls.profile = cls.env["retention.profile"]._profiles_of(cls.referrer, cls.company)

    @classmethod
    def _programs(cls, company, suffix):
        Program = cls.env["loyalty.program"].with_company(company)
        welcome = Program.with_context(default_program_type="coupons").create(
            {"name": f"Welcome 10% {suffix}", "program_type": "coupons", "company_id": company.id}
        )
        credit = Program.with_context(default_program_type="ewallet").create(
            {
                "name": f"Referral Credit {suffix}",
                "program_type": "ewallet",
                "company_id": company.id,
            }
        )
        return welcome, credit

    def _refer(self, name="Fred Friend", email="fred@friend.example", ip="10.1.1.1", profile=None):
        return self.env["retention.referral"]._create_from_page(
            profile or self.profile, name, email, ip
        )

    def _friend(self, email="fred@friend.example", **values):
        return self._customer("Friend Co", email=email, **values)

    def _order(self, partner, company=None, amount=300):
        company = company or self.company
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": amount})
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    def _run_cron_after_hold(self, *referrals):
        for referral in referrals:
            referral.reward_due_date = self.local_today
        self.env["retention.referral"]._cron_issue_rewards()

    # -- the reward's life ---------------------------------------------------

    def test_welcome_code_then_reward_pending_then_issued_to_the_portal_contact(self):
        referral = self._refer()
        self.assertEqual(referral.welcome_card_id.program_id, self.welcome)
        self.assertFalse(referral.welcome_card_id.partner_id)
        self.assertEqual(referral._thanks_values(), {"welcome_program": self.welcome.name})
        [mail] = self.env["mail.mail"].search([("email_to", "=", "fred@friend.example")])
        self.assertIn(referral.welcome_code, mail.body_html, "the code goes by e-mail")
        self.assertEqual(referral.reward_state, "waiting")
        order = self._order(self._friend())
        self.assertEqual((referral.state, referral.reward_state), ("bought", "pending"))
        self.assertEqual(referral.reward_due_date, self.local_today + timedelta(days=30))
        self.env["retention.referral"]._cron_issue_rewards()
        self.assertEqual(referral.reward_state, "pending", "not before the hold is over")
        self._run_cron_after_hold(referral)
        card = referral.reward_card_id
        self.assertEqual(referral.reward_state, "issued")
        self.assertEqual(card.program_id, self.credit)
        self.assertEqual(card.partner_id, self.portal.partner_id)
        self.assertEqual(card.points, 25)
        self.assertEqual(referral.reward_cost, 25)
        self.assertEqual(referral._portal_status(), "Rewarded")
        rewards = self.profile._portal_rewards()
        self.assertIn(card.code, [reward["code"] for reward in rewards])
        self.assertIn(card.code, self._last_note(self.referrer))
        # The friend's next order changes nothing.
        self._order(order.partner_id)
        self.assertEqual(referral.sale_order_id, order)
        self.assertEqual(
            len(self.env["loyalty.card"].search([("program_id", "=", self.credit.id)])), 1
        )

    def _direct_invoice(self, partner, amount=300):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_a_direct_invoice_is_a_first_purchase_and_its_reset_cancels_the_reward(self):
        referral = self._refer()
        invoice = self._direct_invoice(self._friend(), 400)
        self.assertEqual((referral.state, referral.reward_state), ("bought", "pending"))
        self.assertEqual(referral.purchase_ref, invoice)
        self.assertFalse(referral.sale_order_id)
        self.assertEqual(referral.order_amount, 400)
        invoice.button_draft()
        self._run_cron_after_hold(referral)
        self.assertEqual(referral.reward_state, "cancelled")

    def test_an_earlier_direct_invoice_makes_no_first_purchase(self):
        friend = self._friend()
        self._direct_invoice(friend)  # a customer already, invoiced without an order
        self._refused_at_order(friend, "Not the friend's first purchase")

    def test_reward_is_cancelled_with_the_order(self):
        referral = self._refer()
        order = self._order(self._friend())
        self.assertEqual(referral.reward_state, "pending")
        order._action_cancel()
        self._run_cron_after_hold(referral)
        self.assertEqual(referral.reward_state, "cancelled")
        self.assertIn("cancelled", referral.reward_reason)
        self.assertFalse(referral.reward_card_id)

    def test_no_reward_for_a_first_order_edited_to_nothing_or_credited_in_full(self):
        edited = self._refer()
        order = self._order(self._friend())
        order.order_line.price_unit = 0  # frozen at 300 when it was confirmed
        self._run_cron_after_hold(edited)
        self.assertEqual(edited.reward_state, "cancelled")
        self.assertFalse(edited.reward_card_id)
        returned = self._refer("Greta Friend", "greta@friend.example", ip="10.5.5.5")
        order = self._order(self._friend(email="greta@friend.example"))
        invoice = order._create_invoices()
        invoice.action_post()
        credit_note = invoice._reverse_moves()
        credit_note.action_post()
        self._run_cron_after_hold(returned)
        self.assertEqual(returned.reward_state, "cancelled")
        self.assertIn("refunded", returned.reward_reason)

    def test_without_a_portal_user_the_commercial_entity_holds_the_reward(self):
        self.portal.partner_id.parent_id = False
        referral = self._refer()
        self._order(self._friend())
        self._run_cron_after_hold(referral)
        self.assertEqual(referral.reward_card_id.partner_id, self.referrer)

    def test_rewards_are_capped_per_referrer_and_year(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.referral_yearly_cap", 1)
        first = self._refer("Ann", "ann@friend.example")
        second = self._refer("Bob", "bob@friend.example")
        self._order(self._friend("ann@friend.example"))
        self._order(self._customer("Bob Co", email="bob@friend.example"))
        self._run_cron_after_hold(first, second)
        self.assertEqual((first.reward_state, second.reward_state), ("issued", "refused"))
        self.assertIn("already received 1 rewards this year", second.reward_reason)

    def test_each_company_rewards_from_its_own_program(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        company_b = self.env["res.company"].create({"name": "Shop B", "currency_id": eur.id})
        self.env.user.company_ids |= company_b
        welcome_b, credit_b = self._programs(company_b, "B")
        company_b.write(
            {
                "retention_referral_welcome_program_id": welcome_b.id,
                "retention_referral_reward_program_id": credit_b.id,
            }
        )
        profile_b = self.env["retention.profile"]._profiles_of(self.referrer, company_b)
        referral = self._refer(profile=profile_b)
        self.assertEqual(referral.welcome_card_id.program_id, welcome_b)
        self._order(self._friend(), company=company_b)
        self._run_cron_after_hold(referral)
        self.assertEqual(referral.reward_card_id.program_id, credit_b)
        self.assertEqual(referral.reward_card_id.company_id, company_b)
        self.assertEqual(referral.reward_card_id.points, 1, "the program's own reward points")

    # -- fraud rules ---------------------------------------------------------

    def _refused_at_order(self, referee, reason, referral=None):
        referral = referral or self._refer()
        self._order(referee)
        self.assertEqual(referral.reward_state, "refused")
        self.assertIn(reason, referral.reward_reason)
        # Visible to the rep, with its reason.
        seen = (
            self.env["retention.referral"]
            .with_user(self.rep)
            .search([("reward_state", "=", "refused"), ("id", "=", referral.id)])
        )
        self.assertEqual(seen.reward_reason, referral.reward_reason)
        self._run_cron_after_hold(referral)
        self.assertFalse(referral.reward_card_id)
        return referral

    def test_no_reward_when_the_referee_is_the_referrer(self):
        referral = self._refer()
        referral.referee_id = self.referrer
        self._refused_at_order(self.referrer, "The friend is the referrer.", referral)

    def test_no_reward_when_the_referee_shares_the_commercial_entity(self):
        referral = self._refer()
        # The friend turns out to be a colleague (known before: refused at once).
        colleague = self.env["res.partner"].create(
            {"name": "Colleague", "parent_id": self.referrer.id, "email": "fred@friend.example"}
        )
        self._refused_at_order(colleague, "belongs to the referrer's company", referral)

    def test_no_reward_when_the_referee_shares_the_email(self):
        referral = self._refer()
        friend = self._friend()
        self.env["res.partner"].create(
            {"name": "Alias", "parent_id": friend.id, "email": "RITA@referrer.example"}
        )
        self._refused_at_order(friend, "e-mail address", referral)

    def test_no_reward_when_the_friend_gives_the_referrers_email(self):
        referral = self._refer("Rita Again", "rita@referrer.example")
        self.assertEqual(referral.reward_state, "refused")
        self.assertIn("referrer's own", referral.reward_reason)
        self.assertFalse(referral.welcome_card_id)

    def test_no_reward_when_the_referee_shares_the_phone(self):
        self._refused_at_order(self._friend(mobile="(555) 123-4567"), "phone number")

    def test_no_reward_when_the_referee_shares_the_address(self):
        friend = self._friend(street="1 main street", zip="1000", city="SPRINGFIELD")
        self._refused_at_order(friend, "address")

    def test_only_the_referees_first_purchase_counts(self):
        friend = self._friend()
        self._order(friend)  # a customer already
        self._refused_at_order(friend, "Not the friend's first purchase")

    def test_first_referrer_wins(self):
        other = self._customer("Late Referrer")
        other_profile = self.env["retention.profile"]._profiles_of(other, self.company)
        first = self._refer()
        late = self._refer(profile=other_profile, ip="10.2.2.2")
        self.assertEqual((late.state, late.reward_state), ("duplicate", "refused"))
        self.assertIn("referred this friend first", late.reward_reason)
        self.assertFalse(late.welcome_card_id)
        self._order(self._friend())
        self.assertEqual(first.reward_state, "pending")
        self.assertEqual(late.reward_state, "refused")

    # Self-referral through the forms of one address: a +tag, capitals,
    # provider dots, "St." for "Street" reach the same mailbox or door.

    def test_keys_see_through_the_forms_of_an_address(self):
        self.assertEqual(email_key("Rita+promo@Referrer.example"), "rita@referrer.example")
        self.assertEqual(email_key("r.i.t.a+x@googlemail.com"), "rita@gmail.com")
        self.assertNotEqual(email_key("r.ita@example.com"), email_key("rita@example.com"))
        self.assertFalse(email_key("not an address"))
        self.assertEqual(
            address_key("1 Main St.", None, "1000", "Springfield"),
            address_key("1 main street", "", "1000", "SPRINGFIELD"),
        )

    def test_the_referrers_own_address_with_a_tag_is_no_friend(self):
        for email in ("rita+promo@referrer.example", "RITA+x@REFERRER.example"):
            with self.subTest(email=email):
                referral = self._refer("Rita Again", email, ip=f"10.3.3.{len(email)}")
                self.assertEqual(referral.reward_state, "refused")
                self.assertIn("referrer's own", referral.reward_reason)
                self.assertFalse(referral.welcome_card_id)

    def test_a_colleagues_tagged_address_is_no_friend(self):
        referral = self._refer("Boss", "boss+deal@referrer.example")
        self.assertEqual(referral.reward_state, "refused")

    def test_a_tagged_friend_is_the_same_friend_for_the_first_referrer(self):
        other = self._customer("Second Referrer")
        other_profile = self.env["retention.profile"]._profiles_of(other, self.company)
        self._refer()
        late = self._refer(email="FRED+again@friend.example", profile=other_profile, ip="10.4.4.4")
        self.assertEqual(late.state, "duplicate")

    def test_the_order_of_a_tagged_referrer_address_earns_nothing(self):
        referral = self._refer()
        friend = self._friend()
        self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": friend.id, "email": "Rita+shop@referrer.example"}
        )
        self._refused_at_order(friend, "e-mail address", referral)

    def test_an_abbreviated_street_is_the_same_door(self):
        friend = self._friend(street="1 Main St.", zip="1000", city="Springfield")
        self._refused_at_order(friend, "address")

    def test_nobody_writes_a_reward_by_hand(self):
        referral = self._refer()
        referral._refuse("The friend is the referrer.")
        with self.assertRaises(AccessError):
            referral.with_user(self.rep).write({"reward_state": "pending"})
        with self.assertRaises(AccessError):
            referral.with_user(self.rep).write({"referrer_id": self.rep.partner_id.id})
        self.assertEqual(referral.reward_state, "refused")

    def test_many_friends_from_one_ip_are_held_until_a_rep_approves(self):
        referrals = [self._refer(f"F{n}", f"f{n}@friend.example", ip="10.9.9.9") for n in range(4)]
        self.assertEqual([r.reward_state for r in referrals], ["waiting"] * 3 + ["held"])
        held = referrals[-1]
        self.assertIn("IP address", held.reward_reason)
        self.assertFalse(held.welcome_card_id)
        self.assertTrue(held.lead_id, "created all the same")
        self._order(self._customer("F3 Co", email="f3@friend.example"))
        self.assertEqual((held.state, held.reward_state), ("bought", "held"))
        self._run_cron_after_hold(held)
        self.assertFalse(held.reward_card_id)
        held.with_user(self.rep).action_approve()
        self.assertEqual(held.reward_state, "pending")
        self.assertTrue(held.welcome_card_id)
        mail = self.env["mail.mail"].sudo().search([("email_to", "=", "f3@friend.example")])
        self.assertIn(held.welcome_card_id.code, mail.body_html, "the code goes by e-mail")
        self._run_cron_after_hold(held)
        self.assertEqual(held.reward_state, "issued")


@tagged("post_install", "-at_install")
class TestReferralPageIncentive(RetentionCase, HttpCase):
    _programs = classmethod(TestReferralRewards._programs.__func__)

    def test_the_page_shows_the_welcome_programs_reward_in_the_friends_language(self):
        company = self.env.company
        welcome, _credit = self._programs(company, "P")
        welcome.reward_ids = [
            Command.clear(),
            Command.create({"reward_type": "discount", "discount": 10, "discount_mode": "percent"}),
        ]
        profile = self.env["retention.profile"]._profiles_of(self._customer("Page Co"), company)
        page = self.url_open(f"/retention/referral/{profile.referral_code}")
        self.assertNotIn("welcome gift", page.text, "no program, no promise")
        company.retention_referral_welcome_program_id = welcome
        description = welcome.reward_ids.description
        self.assertIn("10%", description)
        page = self.url_open(f"/retention/referral/{profile.referral_code}")
        self.assertIn("A welcome gift for your first order", page.text)
        self.assertIn(description, page.text)
