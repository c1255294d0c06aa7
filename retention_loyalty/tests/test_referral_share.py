"""Sharing and consent: the friend's consent is asked and kept as they read
it, the customer copies or shares their link (also on a phone, in the
browser: tours), and a promoter's thank-you page closes the loop."""

from urllib.parse import unquote

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RetentionCase
from .test_feedback_request import CSRF


@tagged("post_install", "-at_install")
class TestReferralConsent(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.retention_privacy_url = "https://example.com/privacy"
        cls.customer = cls._customer("Sharing Co", email="sharing@example.com")
        cls.profile = cls.env["retention.profile"]._profiles_of(cls.customer, cls.company)
        cls.url = f"/retention/referral/{cls.profile.referral_code}"

    def _post(self, **data):
        csrf = CSRF.search(self.url_open(self.url).text).group(1)
        self.env.flush_all()
        response = self.url_open(f"{self.url}/submit", data={"csrf_token": csrf, **data})
        self.env.invalidate_all()
        return response

    def _referrals(self):
        return self.env["retention.referral"].search([("referrer_id", "=", self.customer.id)])

    def test_the_page_asks_consent_and_links_the_privacy_policy(self):
        page = self.url_open(self.url).text
        self.assertIn('name="consent"', page)
        self.assertIn("keeps my name and e-mail", page)
        self.assertIn('href="https://example.com/privacy"', page)

    def test_without_consent_nothing_of_the_friend_is_kept(self):
        response = self._post(name="Nora No", email="nora@ex.com")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please agree", response.text)
        self.assertIn('value="nora@ex.com"', response.text, "what was typed stays")
        self.assertFalse(self._referrals())
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "nora@ex.com")]))

    def test_the_consent_is_kept_as_the_friend_read_it(self):
        response = self._post(name="Yves Yes", email="yves@ex.com", consent="1")
        self.assertEqual(response.status_code, 200)
        referral = self._referrals()
        self.assertTrue(referral.consent_date)
        self.assertEqual(
            referral.consent_text,
            f"I agree that {self.company.name} keeps my name and e-mail to contact me about "
            "this recommendation.",
        )

    def test_a_company_url_must_be_a_web_address(self):
        with self.assertRaises(ValidationError):
            self.company.retention_review_url = "javascript:alert(1)"


@tagged("post_install", "-at_install")
class TestShareAndPromoterLoop(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.retention_review_url = "https://reviews.example.com/us"
        cls.customer = cls._customer("Glad Co", email="glad@example.com")
        cls._sell(cls.customer, 500)
        cls.profile = cls.env["retention.profile"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.company.id)]
        )
        cls.portal = new_test_user(cls.env, login="share_portal", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer

    def test_my_loyalty_has_copy_share_and_an_email_with_the_link(self):
        self.authenticate("share_portal", "share_portal")
        page = self.url_open("/my/loyalty").text
        link = f"/retention/referral/{self.profile.referral_code}"
        self.assertIn("o_retention_copy", page)
        self.assertIn("o_retention_share_native", page)
        mailto = page.split('class="btn btn-outline-primary o_retention_share_email" href="')[1]
        mailto = unquote(mailto.split('"')[0])
        self.assertTrue(mailto.startswith("mailto:?subject="))
        self.assertIn(link, mailto)

    def _answer(self, score):
        [link], _skipped = self.env["retention.feedback.request"]._send_to(
            self.customer, force=True
        )
        url = f"/retention/feedback/{link.sudo().access_token}"
        details = self.url_open(f"{url}?score={score}")
        csrf = CSRF.search(details.text).group(1)
        thanks = self.url_open(f"{url}/submit", data={"csrf_token": csrf, "score": str(score)})
        return details.text, thanks.text

    def test_a_promoter_is_invited_to_share_and_review(self):
        for page in self._answer(10):
            self.assertIn(f"/retention/referral/{self.profile.referral_code}", page)
            self.assertIn('href="https://reviews.example.com/us"', page)

    def test_a_passive_or_a_detractor_is_not(self):
        for page in self._answer(7):
            self.assertNotIn("/retention/referral/", page)
            self.assertNotIn("reviews.example.com", page)


@tagged("post_install", "-at_install")
class TestShareOnAPhone(RetentionCase, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_a_customer_copies_and_shares_their_link_on_a_phone(self):
        customer = self._customer("Phone Co", email="phone@example.com")
        self._sell(customer, 100)
        portal = new_test_user(self.env, login="phone_portal", groups="base.group_portal")
        portal.partner_id.parent_id = customer
        self.start_tour("/my/loyalty", "retention_loyalty_share_link_tour", login="phone_portal")
