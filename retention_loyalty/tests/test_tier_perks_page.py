import re

from odoo.tests import HttpCase, new_test_user, tagged

from .common import RetentionCase
from .test_tier_grace import leave_window


@tagged("post_install", "-at_install")
class TestMyLoyaltyTier(RetentionCase, HttpCase):
    """My loyalty tells a member their perks, the next tier's, until when the
    grace period keeps their tier and what keeps it, and shows their card."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 90)
        cls.customer = cls._customer("Kept Silver Ltd", email="kept@example.com")
        cls.orders = [cls._sell(cls.customer, 2000, days_ago=100) for _i in range(3)]
        cls.portal = new_test_user(cls.env, login="kept_portal", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer

    def test_a_kept_tier_says_until_when_and_what_keeps_it(self):
        self.assertEqual(self.customer.loyalty_tier_id, self.silver)
        leave_window(self.orders[:1])  # 2 orders, 4,000: below Silver's 3 and 5,000
        self.assertEqual(self.customer.loyalty_tier_id, self.silver)
        kept_until = self.customer.tier_kept_until
        self.assertTrue(kept_until)
        # The rep's Loyalty tab says the same.
        hint = self.customer.tier_keep_hint
        self.assertRegex(hint, r"Order .*1,000\.00 more before .* to stay Silver\.")
        self.assertIn("Place 1 more order before", hint)

        self.authenticate("kept_portal", "kept_portal")
        text = self.url_open("/my/loyalty").text
        self.assertIn("Your Silver tier is kept until", text)
        self.assertRegex(text, r"Order .*1,000\.00 more before .* to stay Silver\.")
        self.assertIn("Your salesperson keeps in touch all year round.", text, "Silver's perks")
        self.assertIn("Every quarter, your salesperson reviews", text, "Gold's, the next tier")
        # The membership card: the customer's barcode, made for the till's scanner.
        code = self.customer.with_company(self.env.company).barcode
        self.assertRegex(code, r"^042\d{10}$")
        digits = [int(d) for d in code]
        self.assertEqual(sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10, 0)
        src = re.search(r'src="(/report/barcode/EAN13/\d+[^"]*)"', text).group(1)
        self.assertIn(code, src)
        image = self.url_open(src.replace("&amp;", "&"))
        self.assertEqual(image.headers["Content-Type"], "image/png")
        # Asked again, the code stays.
        self.url_open("/my/loyalty")
        self.assertEqual(self.customer.with_company(self.env.company).barcode, code)

    def test_card_codes_are_random_and_a_code_set_by_hand_stays(self):
        Profile = self.env["retention.profile"]
        company = self.env.company
        others = [self._customer(f"Member {i}") for i in range(3)]
        codes = {Profile._member_card_code(other, company) for other in others}
        self.assertEqual(len(codes), 3)
        # Nothing a stranger could work out from the customer's id.
        self.assertFalse(
            any(code.startswith(f"042{other.id:09d}") for code, other in zip(codes, others))
        )
        # A barcode typed by hand (not EAN-13) stays, drawn as Code 128.
        self.customer.with_company(company).barcode = "VIP/7"
        profile = Profile._profiles_of(self.customer, company)
        card = profile._portal_card_values()
        self.assertEqual(card["card_code"], "VIP/7")
        self.assertEqual(
            card["card_src"], "/report/barcode/Code128/VIP%2F7?width=400&height=100&humanreadable=1"
        )
        self.authenticate("kept_portal", "kept_portal")
        self.assertEqual(self.url_open(card["card_src"]).headers["Content-Type"], "image/png")

    def test_a_customer_without_a_tier_gets_no_card(self):
        newcomer = self._customer("No Tier Yet")
        profile = self.env["retention.profile"]._profiles_of(newcomer, self.env.company)
        self.assertEqual(profile._portal_card_values(), {"card_code": False, "card_src": False})
        self.assertFalse(newcomer.with_company(self.env.company).barcode)

    def test_a_qualifying_member_sees_no_grace_notice(self):
        self.authenticate("kept_portal", "kept_portal")
        text = self.url_open("/my/loyalty").text
        self.assertIn("Silver", text)
        self.assertNotIn("is kept until", text)
        self.assertIn("Membership card", text)

    def test_tour_my_loyalty_tier(self):
        leave_window(self.orders[:1])
        self.start_tour("/my/loyalty", "retention_loyalty_my_tier_tour", login="kept_portal")

    def test_the_nightly_run_gives_a_card_to_members_without_one(self):
        # A member whose code was removed by hand (or from before codes came
        # with the tier): the page shows no card, and writes nothing.
        self.customer.with_company(self.env.company).barcode = False
        self.authenticate("kept_portal", "kept_portal")
        self.assertNotIn("o_retention_card_code", self.url_open("/my/loyalty").text)
        self.assertFalse(self.customer.with_company(self.env.company).barcode)
        self.env["retention.profile"]._cron_recompute()
        self.assertRegex(self.customer.with_company(self.env.company).barcode, r"^042\d{10}$")
        self.assertIn("o_retention_card_code", self.url_open("/my/loyalty").text)
