import math

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import RetentionCase

ADVOCATES_AND_CUSTOMERS = (
    "retention_loyalty.action_retention_advocates",
    "retention_loyalty.action_retention_customers",
)


@tagged("post_install", "-at_install")
class TestAdvocacy(RetentionCase):
    def test_stage_rules(self):
        customer = self._customer("Stage walker")
        self.assertEqual(customer.advocacy_stage, "new")
        self.assertFalse(customer.nps_category)
        expectations = [
            (6, "detractor", "detractor"),
            (7, "customer", "passive"),
            (8, "customer", "passive"),
            (9, "promoter", "promoter"),
        ]
        for score, stage, category in expectations:
            self.env["retention.feedback"].search([("partner_id", "=", customer.id)]).unlink()
            answer = self._answer(customer, score)
            self.assertEqual(answer.nps_category, category)
            self.assertEqual(customer.satisfaction_score, score)
            self.assertEqual(customer.advocacy_stage, stage, f"score {score}")
            self.assertEqual(customer.nps_category, category)
        self.assertIn("→ Promoter", self._last_note(customer))
        customer.reference_consent = True
        self.assertEqual(customer.advocacy_stage, "advocate")
        customer.reference_consent = False
        self.assertEqual(customer.advocacy_stage, "promoter")

    def test_promoter_whose_referral_bought_is_an_advocate(self):
        promoter = self._customer("Promoter")
        self._answer(promoter, 10)
        friend = self._customer("Friend", referred_by_id=promoter.id)
        self.assertEqual(promoter.referral_count, 1)
        self.assertEqual(promoter.advocacy_stage, "promoter", "the friend has not bought yet")
        self._sell(friend, 800)
        self.assertEqual(promoter.advocacy_stage, "advocate")
        self.assertEqual(promoter.referral_revenue, 800)

    def test_recent_answers_weigh_most_and_old_ones_still_count(self):
        customer = self._customer("Mood swing")
        self._answer(customer, 2, days_ago=90, effort_score=2)
        self._answer(customer, 10, effort_score=6)
        # Weights halve every 90 days: (2 * 0.5 + 10 * 1) / 1.5 = 7.3
        self.assertEqual(customer.satisfaction_score, 7.3)
        self.assertEqual(customer.effort_score, 4.7)
        self.assertEqual(customer.advocacy_stage, "customer")
        self.assertEqual(customer.last_feedback_date, self.today)
        lapsed = self._customer("Lapsed")
        self._answer(lapsed, 3, days_ago=500)
        self.assertEqual(lapsed.satisfaction_score, 3, "latest answer when none in the window")
        self.assertEqual(lapsed.advocacy_stage, "detractor")

    def test_manual_move_holds_until_new_feedback(self):
        customer = self._customer("Dragged")
        self._answer(customer, 4)
        customer.advocacy_stage = "advocate"
        self.assertTrue(customer.advocacy_stage_manual)
        self.assertIn("Moved by hand to Advocate", self._last_note(customer))
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual(customer.advocacy_stage, "advocate")
        self._answer(customer, 5)
        self.assertFalse(customer.advocacy_stage_manual)
        self.assertEqual(customer.advocacy_stage, "detractor")

    def test_key_accounts_are_the_top_fifth_by_revenue(self):
        customers = [self._customer(f"Buyer {rank}") for rank in range(1, 11)]
        for rank, customer in enumerate(customers, start=1):
            self._sell(customer, 1000 * rank + 50_000)  # above any demo customer
        buyers = self.env["res.partner"].search_count(
            [("loyalty_revenue", ">", 0), ("parent_id", "=", False)]
        )
        top_fifth = math.ceil(buyers * 0.2)
        # The nightly recompute cuts; a sale during the day compares with its cut-off.
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        keys = [c.name for c in customers if c.is_key_account]
        self.assertEqual(keys, [c.name for c in customers[-top_fifth:]])
        cutoff = self.env.company.retention_key_account_cutoff
        self.assertEqual(cutoff, customers[-top_fifth].loyalty_revenue)
        big, small = self._customer("Big newcomer"), self._customer("Small newcomer")
        self._sell(big, cutoff + 1)
        self._sell(small, cutoff - 1)
        self.assertTrue(big.is_key_account)
        self.assertFalse(small.is_key_account)
        self.env["ir.config_parameter"].set_param("retention_loyalty.key_account_share", 1)
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual([c.name for c in customers if c.is_key_account], ["Buyer 10"])

    def test_bad_scores_are_refused(self):
        customer = self._customer("Typo")
        for score in (11, -1):
            with self.assertRaisesText(ValidationError, "from 0 to 10"):
                self._answer(customer, score)
        with self.assertRaisesText(ValidationError, "from 1 to 7"):
            self._answer(customer, 8, effort_score=9)
        self.assertFalse(customer.feedback_ids)
        self.assertEqual(customer.advocacy_stage, "new")

    def test_stage_thresholds_follow_settings(self):
        customer = self._customer("Generous scale")
        answer = self._answer(customer, 8)
        self.assertEqual(customer.advocacy_stage, "customer")
        cron = self.env.ref("retention_loyalty.ir_cron_loyalty_profiles")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        with Form(self.env["res.config.settings"]) as settings:
            settings.retention_promoter_min_score = 8
        settings.record.execute()
        self.assertEqual(answer.nps_category, "promoter")
        new_triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
        self.assertTrue(new_triggers, "profiles are recomputed in the background")
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        self.assertEqual(customer.advocacy_stage, "promoter")

    def test_average_nps_points_is_the_net_promoter_score(self):
        customer = self._customer("Survey")
        for score in (10, 9, 8, 3):  # 2 promoters, 1 passive, 1 detractor: NPS 25
            self._answer(customer, score)
        [[nps]] = self.env["retention.feedback"]._read_group(
            [("partner_id", "=", customer.id)], aggregates=["nps_points:avg"]
        )
        self.assertEqual(nps, 25)

    def _listed(self, customer, xmlid):
        action = self.env.ref(xmlid)
        domain = safe_eval(action.domain or "[]")
        return bool(self.env["res.partner"].search_count([*domain, ("id", "=", customer.id)]))

    def test_a_customer_is_listed_whatever_came_first(self):
        consenting = self._customer("Consents First", customer_rank=0)
        consenting.reference_consent = True  # a value a user set, before any order
        for xmlid in ADVOCATES_AND_CUSTOMERS:
            self.assertTrue(self._listed(consenting, xmlid), xmlid)
        self._sell(consenting, 300)
        self.assertTrue(self._listed(consenting, "retention_loyalty.action_retention_customers"))
        # A profile without the rank (begun before this fix) gets it at the next purchase.
        hidden = self._customer("Hidden Since Last Year", customer_rank=0)
        self._answer(hidden, 10)
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET customer_rank = 0 WHERE id = %s", [hidden.id])
        self.env.invalidate_all()
        self._sell(hidden, 300)
        for xmlid in ADVOCATES_AND_CUSTOMERS:
            self.assertTrue(self._listed(hidden, xmlid), xmlid)
