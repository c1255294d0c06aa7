import html

from odoo.tests import tagged

from .test_cadence import CadenceCase


@tagged("post_install", "-at_install")
class TestMemberEmails(CadenceCase):
    """The shipped member e-mails, through cadence rules and the customer-e-mail
    rules: the welcome to a tier, and "your tier is kept until…" before the
    grace period ends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 90)

    def _mails(self, customer):
        return (
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", customer.ids)], order="id")
        )

    def test_welcome_to_a_tier(self):
        self._on("retention_loyalty.cadence_tier_welcome")
        customer = self._customer("Newcomer", user_id=self.rep.id, email="new@example.com")
        self._sell(customer, 100)
        self._run()
        mail = self._mails(customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Thank you: you are now a Bronze customer")
        body = html.unescape(mail.body_html)
        self.assertIn("Welcome to our loyalty program", body, "Bronze's perks")
        self.assertIn("/my/loyalty", body)
        self.assertIn("/retention/unsubscribe/", body, "a customer e-mail like the others")

    def test_tier_kept_notice_before_the_grace_period_ends(self):
        rule = self._on("retention_loyalty.cadence_tier_kept_notice")
        customer = self._customer("Quiet", user_id=self.rep.id, email="quiet@example.com")
        order = self._sell(customer, 100)
        order._action_cancel()  # below Bronze: kept 90 days
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        self._run()
        self.assertFalse(self._mails(customer), "75 days before the notice")
        # Kept until today + 89: the notice 89 days before is due today.
        rule.grace_notice_days = 89
        self._run()
        mail = self._mails(customer)
        self.assertEqual(len(mail), 1)
        self.assertIn("Your Bronze tier is kept until", mail.subject)
        body = html.unescape(mail.body_html)
        self.assertIn("Place 1 more order before", body)
        self.assertIn("Welcome to our loyalty program", body)
        self._run()
        self.assertEqual(len(self._mails(customer)), 1, "once per grace period")
