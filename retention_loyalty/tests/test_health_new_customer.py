import html

from odoo import Command
from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestNewCustomerHealth(RetentionCase):
    """A first-time buyer is New until the usual interval passes without a
    second order (90 days between orders of a new customer, shipped): never At
    Risk for having bought once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["retention.cadence"].search([]).active = False
        cls.newcomer = cls._customer("Newcomer Health", user_id=cls.env.user.id)
        cls._sell(cls.newcomer, 100, days_ago=10)
        cls.lapsed = cls._customer("Lapsed Health")
        cls._sell(cls.lapsed, 100, days_ago=100)
        cls.angry = cls._customer("Angry Newcomer Health")
        cls._sell(cls.angry, 100, days_ago=5)
        cls._answer(cls.angry, 3)
        (cls.newcomer | cls.lapsed | cls.angry)._loyalty_recompute()

    def _profile(self, partner):
        return partner.retention_profile_ids.filtered(
            lambda profile: profile.company_id == self.env.company
        )

    def test_a_first_time_buyer_is_new_not_at_risk(self):
        profile = self._profile(self.newcomer)
        self.assertEqual(profile.health_band, "new")
        # The score still counts the one order (what ranks who stays, on
        # CDNOW): (20 x 96.2 + 20 x 29.3) / 40 = 62.8, At Risk by the number.
        self.assertAlmostEqual(profile.health_frequency, 29.3)
        self.assertAlmostEqual(profile.health_score, 62.8)
        at_risk = self.env["res.partner"].search(
            [("health_band", "=", "at_risk"), ("id", "=", self.newcomer.id)]
        )
        self.assertFalse(at_risk, "the rep's At Risk filter is not flooded with first buyers")
        self.assertEqual(
            self.env["res.partner"].search([("health_band", "=", "new")]) & self.newcomer,
            self.newcomer,
        )

    def test_the_explanation_says_new_and_when_it_ends(self):
        self.newcomer.invalidate_recordset(["health_explanation"])
        text = html.unescape(str(self.newcomer.health_explanation))
        self.assertIn("/100, New Customer", text)
        self.assertIn("new customer: first order on", text)
        self.assertIn("not At Risk or Poor for buying once before", text)

    def test_no_second_order_within_the_interval_ends_new(self):
        profile = self._profile(self.lapsed)
        # 100 x 0.5^(100 / 180) = 68.0, with 29.3: 48.7.
        self.assertAlmostEqual(profile.health_score, 48.7)
        self.assertEqual(profile.health_band, "at_risk")

    def test_a_detractor_is_not_new(self):
        profile = self._profile(self.angry)
        # (20 x 98.1 + 15 x 30) / 35 = 68.9, a detractor: At Risk, not New.
        self.assertEqual(profile.health_band, "at_risk")

    def test_a_second_order_ends_new(self):
        self._sell(self.newcomer, 100, days_ago=1)
        self.assertEqual(self._profile(self.newcomer).health_band, "good")

    def test_falling_from_new_into_at_risk_starts_the_rule(self):
        rule = self.env["retention.cadence"].create(
            {
                "name": "Health fell to Poor",
                "trigger": "health_band",
                "health_band": "poor",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "retention_loyalty.mail_activity_type_followup_call"
                            ).id,
                            "summary": "Call the newcomer",
                        }
                    )
                ],
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE retention_health_history SET date = date - 1 WHERE partner_id = %s",
            [self.newcomer.id],
        )
        # A shorter usual interval: ten days after the first order is late now.
        self.env["ir.config_parameter"].set_param("retention_loyalty.churn_days", 5)
        self.newcomer._loyalty_recompute()
        self.assertEqual(self._profile(self.newcomer).health_band, "poor")
        history = self.env["retention.health.history"].search(
            [("partner_id", "=", self.newcomer.id)], order="date desc", limit=1
        )
        self.assertEqual((history.previous_band, history.band), ("new", "poor"))
        self.env["retention.cadence"]._cron_schedule_followups()
        calls = self.env["retention.followup"].search(
            [("cadence_id", "=", rule.id), ("partner_id", "=", self.newcomer.id)]
        )
        self.assertEqual(len(calls), 1)
