"""Tier benefits through Odoo's loyalty: an entry reward issued once per time
a customer reaches a tier, and offers limited to tiers, refused with whom
they are for."""

from odoo import Command
from odoo.addons.retention_loyalty.tests.common import RetentionCase
from odoo.addons.retention_loyalty.tests.test_tier_grace import grace_days_pass
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestTierBenefits(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 90)
        cls.env["ir.config_parameter"].set_param("retention_loyalty.tier_reward_skipped", False)
        Program = cls.env["loyalty.program"].with_context(default_program_type="coupons")
        cls.silver_gift = Program.create({"name": "Silver welcome gift", "program_type": "coupons"})
        cls.bronze_gift = Program.create({"name": "Bronze welcome gift", "program_type": "coupons"})
        cls.silver.entry_reward_program_id = cls.silver_gift
        cls.bronze.entry_reward_program_id = cls.bronze_gift

    def _rewards(self, customer, tier=None):
        domain = [("partner_id", "=", customer.id)]
        if tier:
            domain.append(("tier_id", "=", tier.id))
        return self.env["retention.tier.reward"].search(domain)

    def test_an_entry_reward_is_issued_once_and_not_again_on_bouncing(self):
        customer = self._customer("Bouncer", email="bouncer@example.com")
        orders = [self._sell(customer, 2000, days_ago=100) for _i in range(3)]
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        reward = self._rewards(customer, self.silver)
        self.assertEqual(len(reward), 1)
        self.assertEqual(reward.card_id.program_id, self.silver_gift)
        self.assertEqual(reward.card_id.partner_id, customer)
        self.assertEqual(reward.card_id.points, 1)
        self.assertEqual(len(self._rewards(customer, self.bronze)), 1, "Bronze was reached first")
        # Below Silver, kept; the grace period ends; back to Silver at once.
        orders[0]._action_cancel()
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        grace_days_pass(self.env, customer, 90)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        self._sell(customer, 2000)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        self.assertEqual(len(self._rewards(customer, self.silver)), 1, "a bounce: nothing more")
        # Lost for longer than a grace period, then reached again: a new reward.
        self._sell(customer, 1).action_cancel()
        orders[1]._action_cancel()
        orders[2]._action_cancel()
        grace_days_pass(self.env, customer, 90)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        for table in ("retention_tier_history", "retention_tier_reward"):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET date = date - 100 WHERE partner_id = %s",
                    SQL.identifier(table),
                    customer.id,
                )
            )
        for _i in range(2):
            self._sell(customer, 2000)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        self.assertEqual(len(self._rewards(customer, self.silver)), 2)

    def test_skipped_tiers_give_their_reward_only_when_settings_say_so(self):
        quick = self._customer("Quick")
        # Three orders confirmed in one go: no tier → Silver, Bronze skipped.
        orders = self._sell(quick, 3000, confirm=False)
        orders |= self._sell(quick, 3000, confirm=False) | self._sell(quick, 3000, confirm=False)
        orders.action_confirm()
        self.assertEqual(quick.loyalty_tier_id, self.silver)
        self.assertEqual(self._rewards(quick).tier_id, self.silver, "only the reached tier's")
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_reward_skipped", True)
        other = self._customer("Other quick")
        orders = self._sell(other, 3000, confirm=False)
        orders |= self._sell(other, 3000, confirm=False) | self._sell(other, 3000, confirm=False)
        orders.action_confirm()
        self.assertEqual(self._rewards(other).tier_id, self.bronze | self.silver)

    def test_the_welcome_email_and_my_loyalty_list_the_reward(self):
        customer = self._customer("Welcomed", email="welcomed@example.com")
        self._sell(customer, 100)
        card = self._rewards(customer, self.bronze).card_id
        rewards = customer._retention_tier_rewards()
        self.assertEqual([r["code"] for r in rewards], [card.code])
        template = self.env.ref("retention_loyalty.mail_template_tier_thanks")
        body = template._render_field("body_html", customer.ids)[customer.id]
        self.assertIn(card.code, body)
        self.assertIn("Bronze welcome gift", body)
        profile = self.env["retention.profile"]._profiles_of(customer, self.env.company)
        self.assertIn(card.code, [r["code"] for r in profile._portal_rewards()])

    def test_a_gift_card_reward_holds_the_value_the_tier_says(self):
        gift = self.env["loyalty.program"].create(
            {"name": "Gold gift card", "program_type": "gift_card"}
        )
        with self.assertRaisesText(ValidationError, "say what the entry gift card is worth"):
            self.gold.entry_reward_program_id = gift
        self.gold.write({"entry_reward_program_id": gift.id, "entry_reward_points": 50})
        customer = self._customer("Gold at once")
        self.gold.min_tenure_days = 0  # counts at once, unsaved (the engine flushes tiers)
        for _i in range(6):
            self._sell(customer, 4000)
        self.assertEqual(customer.loyalty_tier_id, self.gold)
        self.assertEqual(self._rewards(customer, self.gold).card_id.points, 50)

    def test_an_entry_reward_must_be_a_coupon_or_a_gift_card(self):
        promo = self.env["loyalty.program"].create({"name": "Promo", "program_type": "promotion"})
        with self.assertRaisesText(ValidationError, "is a coupon or a gift card"):
            self.gold.entry_reward_program_id = promo


@tagged("post_install", "-at_install")
class TestTierOffers(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promotion = cls.env["loyalty.program"].create(
            {
                "name": "Silver 10%",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "retention_tier_ids": [Command.set(cls.silver.ids)],
                "rule_ids": [Command.create({"minimum_amount": 0})],
                "reward_ids": [
                    Command.create(
                        {"reward_type": "discount", "discount": 10, "discount_mode": "percent"}
                    )
                ],
            }
        )
        cls.code = cls.env["loyalty.program"].create(
            {
                "name": "Silver code",
                "program_type": "promo_code",
                "retention_tier_ids": [Command.set(cls.silver.ids)],
                "rule_ids": [Command.create({"mode": "with_code", "code": "SILVER5"})],
                "reward_ids": [
                    Command.create(
                        {"reward_type": "discount", "discount": 5, "discount_mode": "percent"}
                    )
                ],
            }
        )
        cls.silver_customer = cls._customer("Silver Co")
        for _i in range(3):
            cls._sell(cls.silver_customer, 2000)
        cls.bronze_customer = cls._customer("Bronze Co")
        cls._sell(cls.bronze_customer, 100)

    def _quotation(self, customer):
        return self._sell(customer, 500, confirm=False)

    def test_an_offer_for_silver_applies_to_silver_and_is_refused_to_bronze(self):
        self.assertEqual(self.silver_customer.loyalty_tier_id, self.silver)
        self.assertEqual(self.bronze_customer.loyalty_tier_id, self.bronze)
        silver_quote = self._quotation(self.silver_customer)
        silver_quote.action_open_reward_wizard()
        self.assertEqual(silver_quote.order_line.reward_id.program_id, self.promotion)
        self.assertEqual(silver_quote.amount_untaxed, 450)
        bronze_quote = self._quotation(self.bronze_customer)
        bronze_quote.action_open_reward_wizard()
        self.assertFalse(bronze_quote.order_line.reward_id)
        self.assertEqual(bronze_quote.amount_untaxed, 500)
        # A code: the reason, as the rep reads it in the coupon wizard.
        wizard = self.env["sale.loyalty.coupon.wizard"].create(
            {"order_id": bronze_quote.id, "coupon_code": "SILVER5"}
        )
        with self.assertRaisesText(ValidationError, "This offer is for Silver members."):
            wizard.action_apply()
        status = self._quotation(self.silver_customer)._try_apply_code("SILVER5")
        self.assertNotIn("error", status)

    def test_several_tiers_are_named_and_untiered_offers_stay_for_everybody(self):
        self.code.retention_tier_ids = self.silver | self.gold
        status = self._quotation(self.bronze_customer)._try_apply_code("SILVER5")
        self.assertEqual(status["error"], "This offer is for Silver or Gold members.")
        self.code.retention_tier_ids = False
        self.assertNotIn("error", self._quotation(self.bronze_customer)._try_apply_code("SILVER5"))

    def test_a_next_order_coupon_for_silver_is_refused_to_bronze(self):
        next_order = self.env["loyalty.program"].create(
            {
                "name": "Silver next order",
                "program_type": "next_order_coupons",
                "retention_tier_ids": [Command.set(self.silver.ids)],
                "reward_ids": [
                    Command.create(
                        {"reward_type": "discount", "discount": 15, "discount_mode": "percent"}
                    )
                ],
            }
        )
        coupon = self.env["loyalty.card"].create({"program_id": next_order.id, "points": 1})
        status = self._quotation(self.bronze_customer)._try_apply_code(coupon.code)
        self.assertEqual(status, {"error": "This offer is for Silver members."})
        self.assertNotIn(
            "error", self._quotation(self.silver_customer)._try_apply_code(coupon.code)
        )

    def test_the_tier_of_the_orders_company_decides(self):
        other = self.env["res.company"].create({"name": "Tier Offers B"})
        self.env.user.company_ids |= other
        quote = (
            self.env["sale.order"]
            .with_company(other)
            .create({"partner_id": self.silver_customer.id, "company_id": other.id})
        )
        self.assertEqual(
            self.code._retention_tier_refusal(quote.partner_id, other),
            "This offer is for Silver members.",
            "Silver in the first company, no tier in the second",
        )
