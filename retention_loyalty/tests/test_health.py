import html
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.retention_profile_health import MINUS as M
from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestHealthScore(RetentionCase):
    """A hand-computed fixture (shipped weights: recency 20, frequency 20,
    revenue trend 10, satisfaction 15, effort 10, complaints 15, follow-ups 5,
    tier 5; Good from 70, Poor below 40; 90 days between orders of a new
    customer)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["retention.cadence"].search([]).active = False
        # Alpha: orders 200, 140 and 80 days ago, one answer 8/10 with effort 5/7.
        cls.alpha = cls._customer("Alpha Health")
        for days in (200, 140, 80):
            cls._sell(cls.alpha, 100, days_ago=days)
        cls._answer(cls.alpha, 8, effort_score=5)
        # Beta: orders 30, 20, 10 and 2 days ago, but a detractor (6/10).
        cls.beta = cls._customer("Beta Health")
        for days in (30, 20, 10, 2):
            cls._sell(cls.beta, 100, days_ago=days)
        cls._answer(cls.beta, 6)
        (cls.alpha | cls.beta)._loyalty_recompute()

    def _profile(self, partner):
        return partner.retention_profile_ids.filtered(
            lambda profile: profile.company_id == self.env.company
        )

    def _explanation(self, partner):
        partner.invalidate_recordset(["health_explanation"])
        return html.unescape(str(partner.health_explanation))

    def test_factors_and_score_on_the_fixture(self):
        profile = self._profile(self.alpha)
        # Rhythm: (120 days between first and last + 2 x 90) / (2 repeats + 2) = 75.
        self.assertEqual(profile.health_expected_interval, 75)
        # The Loyalty tab shows that one interval, the one the rules use.
        self.assertEqual(self.alpha.health_expected_interval, 75)
        # 100 x 0.5^(80 / (2 x 75)) = 69.1; 100 x (1 - 0.5^(3 / 2)) = 64.6.
        self.assertAlmostEqual(profile.health_recency, 69.1)
        self.assertAlmostEqual(profile.health_frequency, 64.6)
        self.assertAlmostEqual(profile.health_satisfaction, 80.0)
        self.assertAlmostEqual(profile.health_effort, 66.7)  # (5 - 1) / 6
        # No data: no previous window, no complaint, no follow-up, no tier move.
        factors = self.env["retention.profile"]._health_factor_values(profile)[profile.id]
        for name in ("health_revenue_trend", "health_complaints", "health_engagement"):
            self.assertIsNone(factors[name], name)
        self.assertIsNone(factors["health_tier"])
        # Their 40 points go to the others: (20 x 69.1 + 20 x 64.6 + 15 x 80
        # + 10 x 66.7) / 65 = 69.86.
        self.assertAlmostEqual(profile.health_score, 69.9)
        self.assertEqual(self.alpha.health_band, "at_risk")
        self.assertAlmostEqual(self.alpha.health_score, 69.9)

    def test_a_late_complaint_counts_and_keeps_the_score_below_good(self):
        self.env["retention.complaint"].create(
            {
                "name": "Broken on arrival",
                "partner_id": self.alpha.id,
                # A week ago: past the 16 working hours, whatever today is.
                "date_reported": fields.Datetime.now() - timedelta(days=7),
            }
        )
        profile = self._profile(self.alpha)
        self.assertEqual(profile.health_complaints, 0.0)
        self.assertEqual(profile.health_late_complaints, 1)
        # 4541 / 80 = 56.8; the complaint loses 15 x 100 / 80 = 19 points.
        self.assertAlmostEqual(profile.health_score, 56.8)
        self.assertIn(
            f"complaints {M}19: 1 open complaint past the target time",
            self._explanation(self.alpha),
        )

    def test_a_detractor_is_never_good(self):
        profile = self._profile(self.beta)
        # (20 x 98.3 + 20 x 75 + 15 x 60) / 55 = 79.4, held at 69.
        self.assertAlmostEqual(profile.health_recency, 98.3)
        self.assertAlmostEqual(profile.health_frequency, 75.0)
        self.assertAlmostEqual(profile.health_score, 69.0)
        self.assertTrue(profile.health_capped)
        self.assertEqual(profile.health_band, "at_risk")
        self.assertIn(
            "held below Good (69 at most): a detractor (satisfaction 6.0/10)",
            self._explanation(self.beta),
        )

    def test_explanation_in_words(self):
        text = self._explanation(self.alpha)
        self.assertIn("69.9/100, At Risk", text, "as the gauge prints it, not rounded to 70")
        lines = [
            f"frequency {M}11: 3 orders in 12 months",
            f"recency {M}10: no order for 80 days, expected every 75",
            f"satisfaction {M}5: recent answers average 8.0/10",
            f"effort {M}5: recent answers average 5.0/7 (7 is very easy)",
        ]
        positions = [text.index(line) for line in lines]
        self.assertEqual(positions, sorted(positions), "largest loss first")
        self.assertIn(
            "No data, weight given to the others: revenue trend, complaints, follow-ups, tier.",
            text,
        )

    def test_explanation_and_note_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        self.env["ir.module.module"]._load_module_terms(["retention_loyalty"], ["fi_FI"])
        finnish = self.alpha.with_context(lang="fi_FI")
        text = html.unescape(str(finnish.health_explanation))
        self.assertIn("ei tilausta 80 päivään, odotettu väli 75 päivää", text)
        self.assertIn("keskiarvo 8,0/10", text, "the reader's decimal comma")
        # The band note reads in the salesperson's language.
        rep = self.env["res.users"].create(
            {"name": "Finnish rep", "login": "fi_health_rep", "lang": "fi_FI"}
        )
        self.alpha.user_id = rep
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 69)
        self.alpha._loyalty_recompute()
        self.assertIn("Terveys: Riskissä → ", self._last_note(self.alpha))

    def test_band_thresholds_come_from_the_settings(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 69)
        self.alpha._loyalty_recompute()
        self.assertEqual(self.alpha.health_band, "good")
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_poor_below", 69)
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 90)
        self.alpha._loyalty_recompute()
        self.assertEqual(self.alpha.health_band, "at_risk")
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_poor_below", 75)
        self.alpha._loyalty_recompute()
        self.assertEqual(self.alpha.health_band, "poor")

    def test_a_band_change_is_logged_once_with_its_reason(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 69)
        self.alpha._loyalty_recompute()
        note = self._last_note(self.alpha)
        self.assertIn("Health: At Risk → Good (69.9 → 69.9/100)", note)
        self.assertIn(f"frequency {M}11: 3 orders in 12 months", note)
        count = len(self.alpha.message_ids)
        self.alpha._loyalty_recompute()
        self.assertEqual(len(self.alpha.message_ids), count, "logged once")

    def test_history_a_row_a_day_when_the_score_moves_a_point(self):
        history = self.env["retention.health.history"]
        rows = history.search([("partner_id", "=", self.alpha.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.date, rows.score, rows.band), (self.today, 69.9, "at_risk"))
        rows.date = self.today - timedelta(days=1)
        # Less than a point: no row. (A second 8/10: the same satisfaction.)
        self._answer(self.alpha, 8, effort_score=5)
        self.assertEqual(history.search_count([("partner_id", "=", self.alpha.id)]), 1)
        # A 10/10 moves it by more: today's row, and the one of yesterday as previous.
        self._answer(self.alpha, 10, effort_score=5)
        today = history.search([("partner_id", "=", self.alpha.id), ("date", "=", self.today)])
        self.assertEqual(len(today), 1)
        self.assertAlmostEqual(today.previous_score, 69.9)
        self.assertGreaterEqual(today.score - 69.9, 1)
        # Another move the same day updates today's row.
        self._answer(self.alpha, 10, effort_score=7)
        self.assertEqual(history.search_count([("partner_id", "=", self.alpha.id)]), 2)
        self.assertAlmostEqual(today.score, self._profile(self.alpha).health_score)

    def test_no_weighted_data_is_no_score_even_for_a_detractor(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_weight_recency", 50)
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_weight_frequency", 50)
        for key in ("satisfaction", "effort", "complaints", "revenue_trend", "engagement", "tier"):
            self.env["ir.config_parameter"].set_param(f"retention_loyalty.health_weight_{key}", 0)
        customer = self._customer("Only a detractor")
        self._answer(customer, 3)
        profile = self._profile(customer)
        self.assertTrue(profile, "the answer makes a profile")
        self.assertFalse(profile.health_band, "no weighted factor has data")

    def test_a_future_order_counts_as_today(self):
        customer = self._customer("Future order")
        self._sell(customer, 100, days_ago=-40)
        self.assertEqual(self._profile(customer).health_recency, 100.0)

    def test_todays_row_follows_the_score_back_the_same_day(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 69)
        self.alpha._loyalty_recompute()  # good
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE retention_health_history SET date = date - 1 WHERE partner_id = %s",
            [self.alpha.id],
        )
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 70)
        self.alpha._loyalty_recompute()  # at risk, today's row
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 69)
        self.alpha._loyalty_recompute()  # good again, the same day
        self.env.invalidate_all()
        today = self.env["retention.health.history"].search(
            [("partner_id", "=", self.alpha.id), ("date", "=", self.today)]
        )
        self.assertEqual((today.band, today.score), ("good", 69.9))

    def test_weights_must_total_100_and_bands_be_ordered(self):
        settings = self.env["res.config.settings"].create({})
        with self.assertRaisesText(ValidationError, "they total 105"):
            settings.write({"retention_health_weight_recency": 25})
        settings = self.env["res.config.settings"].create({})
        with self.assertRaisesText(ValidationError, "0 < Poor < Good ≤ 100"):
            settings.write({"retention_health_poor_below": 80})

    def test_the_customer_list_filters_and_groups_by_band(self):
        partners = self.env["res.partner"].search(
            [("health_band", "=", "at_risk"), ("id", "in", (self.alpha | self.beta).ids)]
        )
        self.assertEqual(partners, self.alpha | self.beta)
        groups = self.env["res.partner"].read_group(
            [("id", "in", (self.alpha | self.beta).ids)], ["health_score:avg"], ["health_band"]
        )
        self.assertEqual([group["health_band"] for group in groups], ["at_risk"])


@tagged("post_install", "-at_install")
class TestHealthTriggers(RetentionCase):
    """The two health triggers, through the cadence engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["retention.cadence"].search([]).active = False
        cls.call = cls.env.ref("retention_loyalty.mail_activity_type_followup_call")
        cls.customer = cls._customer("Gamma Health", user_id=cls.env.user.id)
        for days in (200, 140, 80):
            cls._sell(cls.customer, 100, days_ago=days)
        cls._answer(cls.customer, 8, effort_score=5)  # 69.9, as Alpha

    def _rule(self, trigger, **values):
        return self.env["retention.cadence"].create(
            {
                "name": f"Health {trigger}",
                "trigger": trigger,
                "template_ids": [
                    Command.create({"activity_type_id": self.call.id, "summary": "Health call"})
                ],
                **values,
            }
        )

    def _yesterday(self):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE retention_health_history SET date = date - 1 WHERE partner_id = %s",
            [self.customer.id],
        )

    def _calls(self, rule):
        return self.env["retention.followup"].search(
            [("cadence_id", "=", rule.id), ("partner_id", "=", self.customer.id)]
        )

    def test_health_fell_into_a_band(self):
        at_risk = self._rule("health_band", health_band="at_risk")
        poor = self._rule("health_band", health_band="poor")
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 69)
        self.customer._loyalty_recompute()
        self._yesterday()
        self.env["ir.config_parameter"].set_param("retention_loyalty.health_good_min", 70)
        self.customer._loyalty_recompute()  # good -> at risk, today
        self.env["retention.cadence"]._cron_schedule_followups()
        calls = self._calls(at_risk)
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls.res_model, "retention.health.history")
        self.assertFalse(self._calls(poor), "it fell into At Risk, not Poor")

    def test_health_dropped_by_points_within_days(self):
        ten = self._rule("health_drop", health_drop_points=10, health_drop_days=30)
        fifteen = self._rule("health_drop", health_drop_points=15, health_drop_days=30)
        self._yesterday()
        # A late complaint: 69.9 -> 56.8, 13.1 points down.
        self.env["retention.complaint"].create(
            {
                "name": "Late parcel",
                "partner_id": self.customer.id,
                # A week ago: past the 16 working hours, whatever today is.
                "date_reported": fields.Datetime.now() - timedelta(days=7),
            }
        )
        self.env["retention.cadence"]._cron_schedule_followups()
        self.assertEqual(len(self._calls(ten)), 1)
        self.assertFalse(self._calls(fifteen))

    def test_a_drop_is_between_1_and_100_points(self):
        with self.assertRaisesText(ValidationError, "from 1 to 100 points"):
            self._rule("health_drop", health_drop_points=0)
