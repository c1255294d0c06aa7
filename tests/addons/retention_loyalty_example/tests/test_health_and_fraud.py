from datetime import timedelta

from odoo import Command
from odoo.addons.retention_loyalty.tests.common import RetentionCase
from odoo.exceptions import ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAddedHealthFactorAndFraudRule(RetentionCase):
    def _invoice(self, customer, due_days):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": self.today - timedelta(days=40),
                "invoice_date_due": self.today + timedelta(days=due_days),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 300, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _weights(self, **weights):
        self.env["res.config.settings"].create(
            {f"retention_health_weight_{name}": value for name, value in weights.items()}
        ).execute()

    def test_an_added_health_factor_is_weighted_explained_and_set(self):
        with self.assertRaisesText(ValidationError, "they total 120"):
            self._weights(payment=20)  # the total counts the added weight
        self._weights(payment=20, recency=0)
        late, on_time = self._customer("Late Payer"), self._customer("Good Payer")
        self._invoice(late, due_days=-10)
        self._invoice(on_time, due_days=20)
        (late | on_time)._health_refresh()
        late_profile, on_time_profile = (
            self.env["retention.profile"]._profiles_of(partner, self.env.company)
            for partner in (late, on_time)
        )
        self.assertEqual(late_profile.health_payment, 0)
        self.assertEqual(on_time_profile.health_payment, 100)
        # Same purchases: the factor alone sets them apart, by its weight.
        self.assertAlmostEqual(
            on_time_profile.health_score - late_profile.health_score,
            100 * 20 / (20 + 20),  # payment and frequency have data (recency weighs 0)
            delta=0.1,
            msg=late.health_explanation,
        )
        self.assertIn("payment", late.health_explanation)
        self.assertIn("an invoice is unpaid past its due date", late.health_explanation)
        self._weights(payment=0, recency=20)
        late._health_refresh()
        self.assertEqual(late_profile.health_payment, 0, "still measured, weighing nothing")
        self.assertNotIn("unpaid", late.health_explanation)

    def test_an_added_fraud_rule_refuses_the_reward(self):
        company = self.env.company
        company.email = "shop@example.com"  # the friend's welcome code is e-mailed from it
        program = self.env["loyalty.program"].with_context(default_program_type="ewallet")
        company.write(
            {
                "retention_referral_welcome_program_id": program.create(
                    {"name": "Welcome", "program_type": "coupons"}
                ).id,
                "retention_referral_reward_program_id": program.create(
                    {"name": "Credit", "program_type": "ewallet"}
                ).id,
                "retention_referral_reward_points": 25,
            }
        )
        referrer = self._customer("Referrer", email="boss@referrer.example")
        profile = self.env["retention.profile"]._profiles_of(referrer, company)
        referral = self.env["retention.referral"]._create_from_page(
            profile, "Fred", "fred@mailinator.com", "10.1.1.1"
        )
        self._sell(self._customer("Fred Co", email="fred@mailinator.com"), 300)
        self.assertEqual(referral.reward_state, "refused")
        self.assertEqual(referral.reward_reason, "The friend gives a disposable e-mail address.")
