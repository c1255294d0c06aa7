from odoo import Command
from odoo.addons.retention_loyalty.tests.common import RetentionCase
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTillOffers(RetentionCase, HttpCase):
    """A program limited to Silver at the till: applied to a Silver customer,
    refused to a Bronze one with whom it is for (codes and coupons)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context={**cls.env.context, "generate_pdf": False})
        cls.env["product.product"].create(
            {
                "name": "Offer Widget",
                "list_price": 100.0,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )
        discount = [
            Command.create({"reward_type": "discount", "discount": 10, "discount_mode": "percent"})
        ]
        cls.code_program = cls.env["loyalty.program"].create(
            {
                "name": "Silver 10% code",
                "program_type": "promo_code",
                "retention_tier_ids": [Command.set(cls.silver.ids)],
                "rule_ids": [Command.create({"mode": "with_code", "code": "SILVER10"})],
                "reward_ids": discount,
            }
        )
        cls.coupons = cls.env["loyalty.program"].create(
            {
                "name": "Silver coupons",
                "program_type": "coupons",
                "retention_tier_ids": [Command.set(cls.silver.ids)],
                "reward_ids": discount,
            }
        )
        cls.coupon = cls.env["loyalty.card"].create({"program_id": cls.coupons.id, "points": 1})
        cls.silver_customer = cls._customer("Silver Till Co")
        cls.silver_customer.write({"loyalty_tier_locked": True, "loyalty_tier_id": cls.silver.id})
        cls.bronze_customer = cls._customer("Bronze Till Co")
        cls.bronze_customer.write({"loyalty_tier_locked": True, "loyalty_tier_id": cls.bronze.id})
        journal = cls.env["account.journal"].create(
            {"name": "Offer Till Cash", "type": "cash", "code": "OTC"}
        )
        cash = cls.env["pos.payment.method"].create({"name": "Cash", "journal_id": journal.id})
        cls.till = cls.env["pos.config"].create(
            {"name": "Offer Till", "payment_method_ids": [Command.set(cash.ids)]}
        )

    def test_the_till_loads_what_it_compares(self):
        self.assertEqual(self.code_program.retention_tier_refs, str(self.silver.id))
        self.assertEqual(
            self.code_program.retention_tier_refusal, "This offer is for Silver members."
        )
        self.assertEqual(self.silver_customer.loyalty_tier_ref, self.silver.id)
        self.assertIn(
            "loyalty_tier_ref", self.env["res.partner"]._load_pos_data_fields(self.till.id)
        )
        self.assertIn(
            "retention_tier_refs", self.env["loyalty.program"]._load_pos_data_fields(self.till.id)
        )

    def test_a_cashier_who_is_no_retention_user_gets_the_refusal(self):
        cashier = new_test_user(
            self.env, login="offer_cashier", groups="base.group_user,point_of_sale.group_pos_user"
        )
        till = self.till.with_user(cashier)
        refused = till.use_coupon_code(
            self.coupon.code, "2026-12-07 10:00:00", self.bronze_customer.id, False
        )
        self.assertEqual(refused["payload"]["error_message"], "This offer is for Silver members.")
        program = self.code_program.with_user(cashier)
        self.assertEqual(program.retention_tier_refusal, "This offer is for Silver members.")

    def test_a_coupon_for_silver_is_refused_to_bronze_at_the_till(self):
        args = (self.coupon.code, "2026-12-07 10:00:00")
        refused = self.till.use_coupon_code(*args, self.bronze_customer.id, False)
        self.assertEqual(
            refused,
            {
                "successful": False,
                "payload": {"error_message": "This offer is for Silver members."},
            },
        )
        used = self.till.use_coupon_code(*args, self.silver_customer.id, False)
        self.assertTrue(used["successful"])
        self.assertEqual(used["payload"]["program_id"], self.coupons.id)

    def test_tour_a_code_for_silver_at_the_till(self):
        self.till.open_ui()
        self.start_tour(
            f"/pos/ui?config_id={self.till.id}",
            "retention_loyalty_pos_tier_offer_tour",
            login="admin",
        )
