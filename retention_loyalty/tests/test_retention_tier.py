from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestRetentionTier(RetentionCase):
    def test_customer_climbs_the_ladder_by_revenue_orders_and_tenure(self):
        customer = self._customer("Climber")
        self.assertFalse(customer.loyalty_tier_id)
        self._sell(customer, 1000)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        self._sell(customer, 2000)
        self._sell(customer, 2500)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        self.assertIn("Silver threshold", self._last_note(customer))
        # Gold asks 20,000 over 6 orders and 180 days as a customer.
        for _i in range(3):
            self._sell(customer, 5000, days_ago=10)
        self.assertEqual(customer.loyalty_revenue, 20500)
        self.assertEqual(customer.loyalty_tier_id, self.silver, "tenure too short for Gold")
        self._sell(customer, 100, days_ago=200)
        self.assertEqual(customer.loyalty_order_count, 7)
        self.assertEqual(customer.loyalty_tier_id, self.gold)
        note = self._last_note(customer)
        self.assertIn("Silver → Gold", note)
        self.assertIn("customer for 200 days ≥ Gold threshold 180", note)

    def test_downgrade_when_orders_leave_the_window_or_are_cancelled(self):
        customer = self._customer("Fading")
        old = [self._sell(customer, 3000, days_ago=300) for _i in range(2)]
        recent = self._sell(customer, 1000, days_ago=5)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        old[0].date_order = old[0].date_order.replace(year=old[0].date_order.year - 1)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        self.assertIn("Silver → Bronze", self._last_note(customer))
        self.assertIn("< Silver threshold", self._last_note(customer))
        (old[1] | recent)._action_cancel()
        self.assertFalse(customer.loyalty_tier_id)
        self.assertEqual(customer.loyalty_order_count, 0)

    def test_window_setting_changes_what_counts(self):
        customer = self._customer("Window")
        self._sell(customer, 500, days_ago=400)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertFalse(customer.loyalty_tier_id)
        self.env["ir.config_parameter"].set_param("retention_loyalty.evaluation_months", 24)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        self.assertEqual(customer.first_order_date, customer.last_order_date)

    def test_locked_tier_is_kept(self):
        customer = self._customer("Friend of the house")
        customer.write({"loyalty_tier_locked": True, "loyalty_tier_id": self.platinum.id})
        self._sell(customer, 10)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual(customer.loyalty_tier_id, self.platinum)

    def test_contacts_show_their_company_profile(self):
        company = self._customer("Parent Co")
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": company.id})
        self._sell(contact, 700)
        self.assertEqual(company.loyalty_revenue, 700)
        self.assertEqual(contact.loyalty_revenue, 700)
        self.assertEqual(contact.loyalty_tier_id, self.bronze)

    def test_overlapping_or_contradictory_tiers_are_refused(self):
        with self.assertRaisesText(ValidationError, "ranked above"):
            self.env["retention.tier"].create(
                {"name": "Silver twin", "sequence": 25, "min_revenue": 5000, "min_order_count": 3}
            )
        with self.assertRaisesText(ValidationError, "ranked above"):
            self.gold.min_order_count = 2  # Gold would ask fewer orders than Silver
        with self.assertRaises(ValidationError):
            self.bronze.min_revenue = -1

    def test_tier_in_use_cannot_be_deleted(self):
        customer = self._customer("Holder")
        self._sell(customer, 10)
        with self.assertRaisesText(UserError, "still held by"):
            self.bronze.unlink()
        spare = self.env["retention.tier"].create(
            {
                "name": "Diamond",
                "sequence": 50,
                "min_revenue": 100000,
                "min_order_count": 24,
                "min_tenure_days": 730,
            }
        )
        spare.unlink()
        self.assertFalse(spare.exists())

    def test_pricelist_benefit_may_only_lower_prices(self):
        discount = self.env["product.pricelist"].create(
            {
                "name": "Gold -10%",
                "item_ids": [Command.create({"compute_price": "percentage", "percent_price": 10})],
            }
        )
        self.gold.pricelist_id = discount
        customer = self._customer("VIP", loyalty_tier_locked=True, loyalty_tier_id=self.gold.id)
        self.assertEqual(customer.property_product_pricelist, discount)
        order = self._sell(customer, 100, confirm=False)
        self.assertEqual(order.pricelist_id, discount)
        markup = self.env["product.pricelist"].create(
            {
                "name": "Markup",
                "item_ids": [Command.create({"compute_price": "percentage", "percent_price": -5})],
            }
        )
        with self.assertRaisesText(ValidationError, "never pay more"):
            self.gold.pricelist_id = markup
