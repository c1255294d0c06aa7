import html
from datetime import timedelta

from odoo.addons.retention_loyalty.tests.test_cadence import CadenceCase
from odoo.exceptions import ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestRewardExpiring(CadenceCase):
    """The shipped reminder: a week before an unused tier entry reward
    expires, the customer gets its code and its last day; once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gift = cls.env["loyalty.program"].create(
            {"name": "Bronze welcome coupon", "program_type": "coupons"}
        )
        cls.bronze.entry_reward_program_id = gift

    def _mails(self, customer):
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", customer.ids)])

    def test_an_unused_reward_is_recalled_before_it_expires(self):
        rule = self._on("retention_loyalty_sale_loyalty.cadence_tier_reward_expiring")
        customer = self._customer("Forgetful", user_id=self.rep.id, email="forget@example.com")
        self._sell(customer, 100)
        card = self.env["retention.tier.reward"].search([("partner_id", "=", customer.id)]).card_id
        card.expiration_date = self.today + timedelta(days=30)
        self._run()
        self.assertFalse(self._mails(customer), "23 days before the reminder")
        card.expiration_date = self.today + timedelta(days=7)
        self._run()
        mail = self._mails(customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Your reward expires soon")
        body = html.unescape(mail.body_html)
        self.assertIn(card.code, body)
        self.assertIn("Bronze welcome coupon", body)
        self._run()
        self.assertEqual(len(self._mails(customer)), 1, "once per card")
        # A used reward is not recalled.
        other = self._customer("Spender", user_id=self.rep.id, email="spend@example.com")
        self._sell(other, 100)
        used = self.env["retention.tier.reward"].search([("partner_id", "=", other.id)]).card_id
        used.write({"expiration_date": self.today + timedelta(days=7), "points": 0})
        self._run()
        self.assertFalse(self._mails(other))
        with self.assertRaisesText(ValidationError, "the reminder comes 0 to 365 days"):
            rule.reward_notice_days = -1

    def test_the_reminder_in_each_shipped_language(self):
        langs = {
            "fi_FI": "Palkkiosi odottavat",
            "uk_UA": "Ваші винагороди",
            "zh_CN": "您的奖励正在",
            "zh_TW": "您的獎勵正在",
        }
        for lang in langs:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["retention_loyalty_sale_loyalty"], list(langs)
        )
        template = self.env.ref("retention_loyalty_sale_loyalty.mail_template_tier_reward_expiring")
        for lang, words in langs.items():
            customer = self._customer(f"Reader {lang}", lang=lang)
            self._sell(customer, 100)
            card = (
                self.env["retention.tier.reward"].search([("partner_id", "=", customer.id)]).card_id
            )
            card.expiration_date = self.today + timedelta(days=5)
            values = template._generate_template(customer.ids, ("subject", "body_html"))[
                customer.id
            ]
            with self.subTest(lang=lang):
                self.assertIn(words, values["body_html"])
                self.assertIn(card.code, values["body_html"])
                self.assertNotIn("waiting", values["body_html"])
                self.assertNotIn("expires", values["subject"])
