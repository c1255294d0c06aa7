from odoo import Command
from odoo.addons.retention_loyalty.tests.common import RetentionCase
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPosTier(RetentionCase, HttpCase):
    """At the till: the customer's tier shows, their tier's pricelist is what
    the till applies, and their membership card's code selects them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context={**cls.env.context, "generate_pdf": False})
        company = cls.env.company
        cls.widget = cls.env["product.product"].create(
            {
                "name": "Tier Widget",
                "list_price": 100.0,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )
        cls.gold_prices = cls.env["product.pricelist"].create(
            {
                "name": "Gold prices",
                "currency_id": company.currency_id.id,
                "item_ids": [
                    Command.create(
                        {
                            "compute_price": "percentage",
                            "percent_price": 20,
                            "applied_on": "3_global",
                        }
                    )
                ],
            }
        )
        cls.gold.pricelist_id = cls.gold_prices
        cls.member = cls._customer("Gold Member Co")
        cls.member.write({"loyalty_tier_locked": True, "loyalty_tier_id": cls.gold.id})
        cls.code = cls.env["retention.profile"]._member_card_code(cls.member, company)
        journal = cls.env["account.journal"].create(
            {"name": "Tier Till Cash", "type": "cash", "code": "TTC"}
        )
        cash = cls.env["pos.payment.method"].create({"name": "Cash", "journal_id": journal.id})
        cls.till = cls.env["pos.config"].create(
            {"name": "Tier Till", "payment_method_ids": [Command.set(cash.ids)]}
        )

    def test_the_till_has_the_tier_pricelist_and_the_tier(self):
        self.assertIn(self.gold_prices, self.till._get_available_pricelists())
        self.assertEqual(self.member.property_product_pricelist, self.gold_prices)
        fields = self.env["res.partner"]._load_pos_data_fields(self.till.id)
        self.assertIn("loyalty_tier_name", fields)
        self.assertEqual(self.member.loyalty_tier_name, "Gold")
        # A pricelist in another currency is not the till's.
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.env.company.currency_id.id)], limit=1)
        )
        self.gold_prices.currency_id = other
        self.assertNotIn(self.gold_prices, self.till._get_available_pricelists())

    def test_a_cashier_who_is_no_retention_user_sees_the_tier(self):
        cashier = new_test_user(
            self.env, login="tier_cashier", groups="base.group_user,point_of_sale.group_pos_user"
        )
        self.assertFalse(cashier.has_group("retention_loyalty.group_retention_user"))
        self.assertEqual(self.member.with_user(cashier).loyalty_tier_name, "Gold")

    def test_tour_scan_a_gold_card_and_the_gold_price_applies(self):
        self.till.open_ui()
        self.start_tour(
            f"/pos/ui?config_id={self.till.id}", "retention_loyalty_pos_tier_tour", login="admin"
        )
