"""The referral program over real HTTP: a customer's personal code and public
page (lead, UTM source, salesperson, chatter; 404 / 400 / 429), first referrer
wins, the friend's first order, the funnel report, and the customer's own
My loyalty portal page, in two companies with two currencies."""

import json

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import RetentionCase
from .test_feedback_request import CSRF


@tagged("post_install", "-at_install")
class TestReferralPage(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company_a = cls.env["res.company"].create({"name": "Shop A", "currency_id": cls.usd.id})
        cls.company_b = cls.env["res.company"].create({"name": "Shop B", "currency_id": cls.eur.id})
        cls.env.user.company_ids |= cls.company_a | cls.company_b
        cls.rep = new_test_user(
            cls.env,
            login="ref_rep",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )
        # A customer shared by both companies, with a profile in each.
        cls.shared = cls._customer("Shared Customer", email="shared@example.com")
        cls.shared.user_id = cls.rep
        cls.profile_a, cls.profile_b = (
            cls.env["retention.profile"]._profiles_of(cls.shared, company)
            for company in (cls.company_a, cls.company_b)
        )
        cls.env["ir.config_parameter"].set_param("retention_loyalty.referral_ip_hour_limit", 3)

    # -- helpers -------------------------------------------------------------

    def _page(self, code):
        return self.url_open(f"/retention/referral/{code}")

    def _post(self, code, csrf=None, **data):
        if csrf is None:
            csrf = CSRF.search(self._page(self.profile_b.referral_code).text).group(1)
        self.env.flush_all()
        response = self.url_open(
            f"/retention/referral/{code}/submit",
            data={"csrf_token": csrf, "consent": "1", **data},
        )
        self.env.invalidate_all()
        return response

    # -- the code ------------------------------------------------------------

    def test_each_profile_has_its_own_unguessable_code(self):
        self._sell(self._customer("Engine Made"), 100)  # a profile the engine inserts in SQL
        codes = self.env["retention.profile"].search([]).mapped("referral_code")
        self.assertTrue(all(codes))
        self.assertEqual(len(set(codes)), len(codes))
        self.assertTrue(all(len(code) == 12 for code in codes))  # noqa: PLR2004
        self.assertNotEqual(self.profile_a.referral_code, self.profile_b.referral_code)
        # The partner field reads the current company's profile.
        seen = self.shared.with_company(self.company_b)
        self.assertEqual(seen.referral_code, self.profile_b.referral_code)
        self.assertTrue(seen.referral_url.endswith(f"/retention/referral/{seen.referral_code}"))

    def test_a_code_is_never_typed(self):
        with self.assertRaises(AccessError):
            self.profile_b.with_user(self.rep).write({"referral_code": "easy"})

    # -- the page ------------------------------------------------------------

    def test_page_creates_the_lead_in_the_profile_company(self):
        page = self._page(self.profile_b.referral_code)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Shared Customer", page.text)
        response = self._post(self.profile_b.referral_code, name="Fiona Friend", email="f@ex.com")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Fiona!", response.text)
        lead = self.env["crm.lead"].search([("email_from", "=", "f@ex.com")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.referred_by_id, self.shared)
        self.assertEqual(lead.source_id, self.env.ref("retention_loyalty.utm_source_referral"))
        self.assertEqual(lead.source_id.name, "Referral")
        self.assertEqual(lead.company_id, self.company_b)
        self.assertEqual(lead.user_id, self.rep)
        referral = self.env["retention.referral"].search([("lead_id", "=", lead.id)])
        self.assertEqual(
            (referral.referrer_id, referral.company_id, referral.state),
            (self.shared, self.company_b, "invited"),
        )
        notes = self.shared.message_ids.mapped("body")
        self.assertTrue(any("Fiona Friend was referred" in note for note in notes))
        thanks = self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.shared.id),
                ("subject", "=", "Thank you for your recommendation"),
            ]
        )
        to_referrer = thanks.filtered(lambda mail: self.shared in mail.recipient_ids)
        self.assertEqual(len(to_referrer), 1)
        self.assertIn("Thank you for recommending Shop B to Fiona", to_referrer.body_html)
        # Written by a person with an address, not by the public user of the page.
        public = self.env.ref("base.public_partner")
        self.assertEqual(to_referrer.author_id, self.rep.partner_id)
        self.assertEqual(to_referrer.email_from, self.rep.email_formatted)
        note = self.shared.message_ids.filtered(lambda m: "Fiona Friend was referred" in m.body)
        self.assertNotEqual(note.author_id, public)

    def test_what_an_attacker_types_is_refused_or_harmless(self):
        code = self.profile_b.referral_code
        # A NUL byte: a clear 400, not a server error.
        self.assertEqual(
            self._post(code, name="Nul\x00Friend", email="nul@ex.com").status_code, 400
        )
        self.assertEqual(self._post(code, name="Nul", email="nul\x00@ex.com").status_code, 400)
        # A name joined with no-break spaces is one word: cut to a name's length.
        long_name = "\N{NO-BREAK SPACE}".join(["Spam"] * 20)  # 99 characters
        self.assertEqual(self._post(code, name=long_name, email="spam@ex.com").status_code, 200)
        referral = self.env["retention.referral"].search([("email", "=", "spam@ex.com")])
        self.assertLessEqual(len(referral.first_name), 30)
        # The referrer's name as they typed it on their portal: text, not HTML.
        self.shared.name = (
            'Evil <a href="https://evil.example">Co</a><img src="https://evil.example/x.png">'
        )
        self.assertEqual(self._post(code, name="Ivy", email="ivy@ex.com").status_code, 200)
        lead = self.env["crm.lead"].search([("email_from", "=", "ivy@ex.com")])
        self.assertNotIn("<a ", str(lead.description))
        self.assertNotIn("<img", str(lead.description))
        self.assertIn("&lt;a href", str(lead.description))

    def test_an_archived_customers_code_is_dead(self):
        self.shared.active = False
        self.assertEqual(self._page(self.profile_b.referral_code).status_code, 404)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "late@ex.com")]))

    def test_forged_code_is_404(self):
        csrf = CSRF.search(self._page(self.profile_b.referral_code).text).group(1)
        self.assertEqual(self._page("forged-code").status_code, 404)
        self.assertEqual(self._page("x" * 500).status_code, 404)
        self.assertEqual(
            self._post("forged-code", csrf, name="A", email="a@ex.com").status_code, 404
        )
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "a@ex.com")]))

    def test_bad_input_is_400_and_keeps_what_was_typed(self):
        code = self.profile_b.referral_code
        for data in ({"name": "", "email": "a@ex.com"}, {"name": "Al", "email": "not-an-email"}):
            with self.subTest(data=data):
                response = self._post(code, **data)
                self.assertEqual(response.status_code, 400)
                self.assertIn("valid e-mail", response.text)
        self.assertFalse(
            self.env["retention.referral"].search([("referrer_id", "=", self.shared.id)])
        )

    @mute_logger("odoo.http")
    def test_csrf_is_required(self):
        response = self.url_open(
            f"/retention/referral/{self.profile_b.referral_code}/submit",
            data={"name": "No Token", "email": "nt@ex.com"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "nt@ex.com")]))

    def test_more_than_the_limit_per_ip_and_hour_is_429(self):
        code = self.profile_b.referral_code
        csrf = CSRF.search(self._page(code).text).group(1)
        for index in range(3):
            response = self._post(code, csrf, name=f"Friend {index}", email=f"f{index}@ex.com")
            self.assertEqual(response.status_code, 200)
        response = self._post(code, csrf, name="One Too Many", email="more@ex.com")
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "more@ex.com")]))

    # -- the referral's life -------------------------------------------------

    def test_first_referrer_wins(self):
        other = self._customer("Other Referrer")
        other_profile = self.env["retention.profile"]._profiles_of(other, self.company_b)
        Referral = self.env["retention.referral"]
        first = Referral._create_from_page(self.profile_b, "Gail", "gail@ex.com", "1.1.1.1")
        second = Referral._create_from_page(other_profile, "Gail G", "GAIL@ex.com", "2.2.2.2")
        self.assertEqual((first.state, second.state), ("invited", "duplicate"))

    def test_the_friends_first_order_makes_the_referral_bought(self):
        referral = self.env["retention.referral"]._create_from_page(
            self.profile_b, "Hugo", "hugo@ex.com", "1.1.1.1"
        )
        hugo = self._customer("Hugo Ltd", email="hugo@ex.com")
        order = (
            self.env["sale.order"]
            .with_company(self.company_b)
            .create(
                {
                    "partner_id": hugo.id,
                    "company_id": self.company_b.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": 400})
                    ],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(referral.state, "bought")
        self.assertEqual(referral.referee_id, hugo)
        self.assertEqual(referral.sale_order_id, order)
        self.assertEqual(referral.order_amount, 400)
        self.assertEqual(hugo.referred_by_id, self.shared)
        self.env.flush_all()
        funnel = self.env["retention.referral.funnel.report"].search(
            [("partner_id", "=", self.shared.id)]
        )
        self.assertEqual(
            (funnel.company_id, funnel.referral_count, funnel.lead_count, funnel.customer_count),
            (self.company_b, 1, 1, 1),
        )
        self.assertEqual(funnel.revenue, 400)
        self.assertEqual(funnel.currency_id, self.eur)

    def test_a_rep_keys_the_code_on_a_lead(self):
        Lead = self.env["crm.lead"].with_user(self.rep).with_company(self.company_b)
        lead = Lead.create(
            {"name": "Met at the fair", "contact_name": "Lea", "email_from": "lea@ex.com"}
        )
        lead.referral_code = self.profile_b.referral_code
        self.assertEqual(lead.referred_by_id, self.shared)
        referral = self.env["retention.referral"].search([("lead_id", "=", lead.id)])
        self.assertEqual((referral.referrer_id, referral.friend_name), (self.shared, "Lea"))
        with self.assertRaisesText(ValidationError, "has the referral code"):
            Lead.create({"name": "Wrong", "referral_code": self.profile_a.referral_code})

    def test_a_lead_converted_to_a_customer_is_the_referee(self):
        referral = self.env["retention.referral"]._create_from_page(
            self.profile_b, "Iris", "iris@ex.com", "1.1.1.1"
        )
        referral.lead_id.partner_name = "Iris Co"
        referral.lead_id._handle_partner_assignment(create_missing=True)
        self.assertEqual(referral.referee_id, referral.lead_id.partner_id.commercial_partner_id)
        self.assertEqual(referral.referee_id.referred_by_id, self.shared)

    def test_a_rep_cannot_move_a_referrals_credit_over_json_rpc(self):
        referral = self.env["retention.referral"]._create_from_page(
            self.profile_b, "Moe", "moe@ex.com", "1.1.1.1"
        )
        self.authenticate("ref_rep", "ref_rep")
        other = self.env["res.company"].create({"name": "Shop C"})
        for values in (
            {"email": "someone.else@ex.com"},
            {"date": "2020-01-01 00:00:00"},
            {"company_id": other.id},
            {"friend_name": "Another Friend"},
        ):
            with self.subTest(values=values), mute_logger("odoo.http"):
                response = self.url_open(
                    "/web/dataset/call_kw/retention.referral/write",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "model": "retention.referral",
                                "method": "write",
                                "args": [[referral.id], values],
                                "kwargs": {},
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                ).json()
                self.assertEqual(response["error"]["data"]["name"], "odoo.exceptions.AccessError")
                self.assertIn("nobody sets them by hand", response["error"]["data"]["message"])
        referral.invalidate_recordset()
        self.assertEqual(
            (referral.email, referral.company_id, referral.friend_name),
            ("moe@ex.com", self.company_b, "Moe"),
        )
        # What the form lets a rep change still works.
        referral.with_user(self.rep).user_id = self.rep

    def test_a_rep_reads_referrals_of_their_companies_only(self):
        Referral = self.env["retention.referral"]
        in_a = Referral._create_from_page(self.profile_a, "Jo", "jo@ex.com", "1.1.1.1")
        in_b = Referral._create_from_page(self.profile_b, "Kim", "kim@ex.com", "1.1.1.1")
        outsider = new_test_user(
            self.env,
            login="ref_outsider",
            groups="sales_team.group_sale_salesman",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        self.assertEqual(Referral.with_user(outsider).search([]), in_a)
        self.assertNotIn(
            in_b,
            Referral.with_user(self.rep)
            .with_company(self.company_b)
            .search([("company_id", "=", self.company_a.id)]),
        )


@tagged("post_install", "-at_install")
class TestMyLoyaltyPortal(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Portal Buyer Inc", email="buyer@example.com")
        cls._sell(cls.customer, 2700)  # Bronze (one order); Silver needs 5,000 and 3 orders
        cls.portal = new_test_user(
            cls.env, login="loyal_portal", groups="base.group_portal", name="Paula Portal"
        )
        cls.portal.partner_id.parent_id = cls.customer
        cls.stranger_customer = cls._customer("Stranger Corp")
        cls.stranger = new_test_user(
            cls.env, login="other_portal", groups="base.group_portal", name="Sam Stranger"
        )
        cls.stranger.partner_id.parent_id = cls.stranger_customer
        cls.profile = cls.env["retention.profile"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.env.company.id)]
        )
        cls.env["retention.referral"]._create_from_page(
            cls.profile, "Quentin Quill", "q@ex.com", "1.1.1.1"
        )
        # The customer's own answer (through a link) shows; a rep's note does not.
        link, _skipped = cls.env["retention.feedback.request"]._send_to(cls.customer, force=True)
        link._record_answer(8, comment="Fast delivery")
        cls._answer(cls.customer, 3, comment="INTERNAL: thinking of leaving")

    def test_the_page_shows_tier_progress_link_referees_and_feedback(self):
        self.authenticate("loyal_portal", "loyal_portal")
        home = self.url_open("/my")
        self.assertIn("/my/loyalty", home.text)
        page = self.url_open("/my/loyalty")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("Bronze", text)
        self.assertIn("Next: Silver", text)
        self.assertRegex(text, r"2,300\.00.* more in the next 12 months for Silver")
        self.assertIn("2 more orders in the next 12 months for Silver", text)
        self.assertIn(f"/retention/referral/{self.profile.referral_code}", text)
        self.assertIn("Quentin", text)
        self.assertNotIn("Quill", text, "first names only")
        self.assertIn("Fast delivery", text)
        self.assertNotIn("INTERNAL", text, "what a rep logged stays internal")
        # The score the customer gave the rep is theirs too: no "no feedback yet".
        self.assertRegex(text, r"<td[^>]*>3</td>\s*<td>Phone Call</td>")
        self.assertNotIn("You have not given feedback yet", text)
        # The tier's benefits are written to the customer, not to the rep.
        self.assertIn("Welcome to our loyalty program", text)
        # Never the internal figures.
        for internal in ("Satisfaction", "Key Account", "Health", "q@ex.com"):
            self.assertNotIn(internal, text)

    def test_a_second_portal_user_sees_only_their_own_page(self):
        self.authenticate("other_portal", "other_portal")
        text = self.url_open("/my/loyalty").text
        self.assertNotIn(self.profile.referral_code, text)
        self.assertNotIn("Quentin", text)
        self.assertNotIn("Fast delivery", text)
        self.assertIn("No tier yet", text)
        self.assertIn("1 more order in the next 12 months for Bronze", text)
        # No profile yet: a GET makes none (a read replica may serve it); the
        # customer asks for their link.
        profiles = self.env["retention.profile"].search(
            [("partner_id", "=", self.stranger_customer.id)]
        )
        self.assertFalse(profiles)
        self.assertIn("Get my referral link", text)

    def test_visitors_must_log_in(self):
        response = self.url_open("/my/loyalty", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_give_feedback_now_opens_a_link_of_their_own(self):
        self.authenticate("loyal_portal", "loyal_portal")
        csrf = CSRF.search(self.url_open("/my/loyalty").text).group(1)
        response = self.url_open("/my/loyalty/feedback", data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertIn("How likely are you to recommend", response.text)
        request = self.env["retention.feedback.request"].search(
            [("partner_id", "=", self.portal.partner_id.id)]
        )
        self.assertEqual(len(request), 1)
        # Again within the quiet period: the same link, not a second answer.
        again = self.url_open("/my/loyalty/feedback", data={"csrf_token": csrf})
        self.assertIn(request.access_token, again.url)
        self.assertEqual(
            self.env["retention.feedback.request"].search_count(
                [("partner_id", "=", self.portal.partner_id.id)]
            ),
            1,
        )


@tagged("post_install", "-at_install")
class TestPortalProgressArithmetic(RetentionCase):
    def test_a_tier_without_a_threshold_or_a_negative_tenure_never_divides_by_zero(self):
        from ..models.retention_profile_portal import _percent  # noqa: PLC0415

        self.assertEqual(_percent(-1, 0), 100)
        self.assertEqual(_percent(-10, 500), 0)
        self.assertEqual(_percent(250, 500), 50)
        self.assertEqual(_percent(900, 500), 100)
