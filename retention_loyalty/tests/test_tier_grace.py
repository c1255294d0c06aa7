import html
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import RetentionCase
from .purchase_common import PurchaseCase


def leave_window(orders):
    """Move the orders a year back: out of the 12-month window."""
    for order in orders:
        order.date_order = order.date_order.replace(year=order.date_order.year - 1)


def grace_days_pass(env, customer, days):
    """As if the customer had been found below their tier `days` earlier,
    then the nightly recompute ran."""
    env.cr.execute(
        SQL(
            "UPDATE retention_profile SET tier_below_since = tier_below_since - %s, "
            "tier_kept_until = tier_kept_until - %s WHERE partner_id = %s",
            days,
            days,
            customer.id,
        )
    )
    env["retention.profile"].invalidate_model()
    env["res.partner"]._cron_recompute_loyalty_profiles()


@tagged("post_install", "-at_install")
class TestTierGrace(RetentionCase):
    """A customer below their tier's thresholds keeps it for the grace period
    (Settings), then moves down one tier per grace period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 90)

    def _gold_customer(self, name):
        customer = self._customer(name)
        orders = [self._sell(customer, 4000, days_ago=200) for _i in range(6)]
        self.assertEqual(customer.loyalty_tier_id, self.gold)
        return customer, orders

    def _leave_window(self, orders):
        leave_window(orders)

    def _days_pass(self, customer, days):
        grace_days_pass(self.env, customer, days)

    def _tier_note(self, customer):
        """The latest note that speaks of the customer's tier."""
        messages = customer.message_ids.sorted("id", reverse=True)
        bodies = [html.unescape(str(message.body)) for message in messages]
        return next((body for body in bodies if "tier" in body), "")

    def _history(self, customer):
        return self.env["retention.tier.history"].search(
            [("partner_id", "=", customer.id)], order="id"
        )

    def test_grace_keeps_the_tier_then_demotes_one_step_at_a_time(self):
        customer, orders = self._gold_customer("Quiet regular")
        self._leave_window(orders)
        self.assertEqual(customer.loyalty_revenue, 0)
        self.assertEqual(customer.loyalty_tier_id, self.gold, "kept by the grace period")
        self.assertEqual(customer.tier_below_since, self.today)
        self.assertEqual(customer.tier_kept_until, self.today + timedelta(days=89))
        note = self._tier_note(customer)
        self.assertIn("Gold kept by the grace period until", note)
        # Told as the first order left the window: 5 orders of 6, Silver's thresholds met.
        self.assertIn("orders 12 months: 5 < Gold threshold 6", note)
        self.assertIn("qualifies for Silver", note)
        kept = self._history(customer)[-1]
        self.assertEqual(
            (kept.reason, kept.old_tier_id, kept.new_tier_id), ("kept", self.gold, self.gold)
        )
        self.assertEqual(kept.movement, "Gold kept by the grace period")
        self.assertFalse(kept.is_upgrade)
        self.assertRegex(customer.tier_keep_hint, r"Order .*20,000\.00 more before .* to stay Gold")
        self.assertIn("Place 6 more orders before", customer.tier_keep_hint)

        # The nightly run of the next day tells nothing new.
        notes = len(customer.message_ids)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual(len(customer.message_ids), notes)
        self.assertEqual(self._history(customer)[-1], kept)

        # A shorter grace period in Settings: a new date, told; no second row.
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 60)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual(customer.tier_kept_until, self.today + timedelta(days=59))
        self.assertIn("Gold kept by the grace period until", self._tier_note(customer))
        self.assertEqual(self._history(customer)[-1], kept)
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 90)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        # Still within the grace period: kept.
        self._days_pass(customer, 89)
        self.assertEqual(customer.loyalty_tier_id, self.gold)
        self.assertEqual(customer.tier_kept_until, self.today, "its last day")
        # The grace period is over: one step down, and Silver's own term starts
        # the day Gold's ended.
        self._days_pass(customer, 1)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        self.assertEqual(customer.tier_kept_until, self.today + timedelta(days=89))
        step = self._history(customer)[-1]
        self.assertEqual(
            (step.reason, step.old_tier_id, step.new_tier_id),
            ("grace_ended", self.gold, self.silver),
        )
        note = self._tier_note(customer)
        self.assertIn("Gold → Silver", note)
        self.assertIn("The grace period ended on", note)
        self.assertIn("Silver kept by the grace period until", note)
        self._days_pass(customer, 90)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        self._days_pass(customer, 90)
        self.assertFalse(customer.loyalty_tier_id)
        self.assertFalse(customer.tier_kept_until)
        self.assertEqual(
            self._history(customer).mapped("reason")[-5:],
            ["thresholds", "kept", "grace_ended", "grace_ended", "grace_ended"],
        )
        # Only real moves start a "tier changed" rule or count in the health factor.
        self.assertEqual(
            self.env["retention.tier.history"].search_count(
                [("partner_id", "=", customer.id), ("reason", "!=", "kept")]
            ),
            len(self._history(customer)) - 1,
        )

    def test_a_step_down_stops_at_the_tier_the_customer_meets(self):
        customer, orders = self._gold_customer("Slower")
        self._leave_window(orders[:4])  # 2 orders, 8,000 left: Bronze only
        self.assertEqual(customer.loyalty_tier_id, self.gold)
        self._sell(customer, 1000, days_ago=3)  # 3 orders, 9,000: Silver
        self._days_pass(customer, 90)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        self.assertFalse(customer.tier_kept_until, "meets Silver: nothing to keep")
        self.assertFalse(customer.tier_below_since)

    def test_qualifying_again_within_the_grace_period_ends_it(self):
        customer, orders = self._gold_customer("Back again")
        self._leave_window(orders)
        self.assertTrue(customer.tier_kept_until)
        for _i in range(6):
            self._sell(customer, 4000, days_ago=1)
        self.assertEqual(customer.loyalty_tier_id, self.gold)
        self.assertFalse(customer.tier_kept_until)
        self.assertFalse(customer.tier_below_since)
        self.assertEqual(self._history(customer).mapped("reason")[-2:], ["thresholds", "kept"])

    def test_no_grace_demotes_at_once(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 0)
        customer, orders = self._gold_customer("No grace")
        self._leave_window(orders)
        self.assertFalse(customer.loyalty_tier_id)
        self.assertFalse(customer.tier_kept_until)
        self.assertEqual(self._history(customer)[-1].reason, "thresholds")

    def test_upgrades_are_immediate_and_locked_tiers_untouched(self):
        customer = self._customer("Climbing")
        self._sell(customer, 100)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        for _i in range(2):
            self._sell(customer, 3000)
        self.assertEqual(customer.loyalty_tier_id, self.silver)
        locked, orders = self._gold_customer("Locked")
        locked.write({"loyalty_tier_locked": True, "loyalty_tier_id": self.gold.id})
        self._leave_window(orders)
        self.assertEqual(locked.loyalty_tier_id, self.gold)
        self.assertFalse(locked.tier_kept_until, "a tier set by hand is never kept nor lost")


@tagged("post_install", "-at_install")
class TestTierGraceTwoCompanies(PurchaseCase):
    """A customer shared by a USD and a EUR company: each company keeps or
    drops its own tier, from its own sales, and says so in its own notes."""

    def test_each_company_keeps_its_own_tier(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 30)
        in_a = [self._order_in(self.company_a, 2000) for _i in range(3)]
        for _i in range(3):
            self._order_in(self.company_b, 2000)
        self.assertEqual(self._profile(self.company_a).loyalty_tier_id, self.silver)
        self.assertEqual(self._profile(self.company_b).loyalty_tier_id, self.silver)
        in_a[0].date_order -= timedelta(days=400)  # out of A's 12-month window
        a, b = self._profile(self.company_a), self._profile(self.company_b)
        self.assertEqual(a.loyalty_tier_id, self.silver, "kept in A")
        self.assertEqual(a.tier_kept_until, self.today + timedelta(days=29))
        self.assertRegex(a.tier_keep_hint, r"Order \$\s1,000\.00 more before")
        self.assertEqual(b.loyalty_tier_id, self.silver)
        self.assertFalse(b.tier_kept_until, "B's sales still meet Silver")
        self.assertFalse(b.tier_keep_hint)
        # Several companies read the shared customer: the note is A's profile's.
        profile_a = self.env["retention.profile"].search(
            [("partner_id", "=", self.shared.id), ("company_id", "=", self.company_a.id)]
        )
        notes = html.unescape(" ".join(profile_a.message_ids.mapped("body")))
        self.assertIn("Silver kept by the grace period until", notes)
        self.assertIn("revenue 12 months: $\xa04,000.00 < Silver threshold $\xa05,000.00", notes)
        grace_days_pass(self.env, self.shared, 30)
        self.assertEqual(self._profile(self.company_a).loyalty_tier_id, self.bronze)
        self.assertEqual(self._profile(self.company_b).loyalty_tier_id, self.silver)
