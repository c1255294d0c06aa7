from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.retention_cadence_steps import RetentionCadence
from .test_cadence import DAY248, CadenceCase


@tagged("post_install", "-at_install")
class TestCadenceEngine(CadenceCase):
    @freeze_time("2030-03-04 10:00:00")
    def test_crash_mid_run_then_clean_rerun(self):
        rule = self._on(DAY248)
        orders = [self._sell(self._customer(f"Crash {i}"), 100) for i in range(5)]
        # The first batch of 4 follow-ups commits; the second dies half-way:
        # its transaction (ledger rows and activities) is rolled back.
        todo = rule._new_occurrences()
        self.assertEqual(len(todo), 10)
        self.assertEqual(rule._create_followups(todo[:4]), 4)
        original = RetentionCadence._step_activity

        def crash(self, followups):
            original(self, followups[:1])
            raise RuntimeError("worker killed")

        with (
            patch.object(RetentionCadence, "_step_activity", crash),
            self.assertRaises(RuntimeError),
        ):
            rule._create_followups(todo[4:8])
        mine = [
            ("cadence_id", "=", rule.id),
            ("res_model", "=", "sale.order"),
            ("res_id", "in", [o.id for o in orders]),
        ]
        self.assertEqual(self.env["retention.followup"].search_count(mine), 4)
        self.assertEqual(self._run(), 6, "the rerun does the rest")
        for order in orders:
            self.assertEqual(len(self._activities(order)), 2, "each step once")
        followups = self.env["retention.followup"].search(mine)
        self.assertEqual(len(followups), 10)
        self.assertTrue(all(followups.mapped("activity_id")))

    @freeze_time("2030-03-04 10:00:00")
    def test_the_database_refuses_a_second_copy_of_a_step(self):
        rule = self._on(DAY248)
        order = self._sell(self._customer("Once", user_id=self.rep.id), 100)
        self._run()
        followup = self.env["retention.followup"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)], limit=1
        )
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            followup.copy({"activity_id": False})
        self.assertEqual(rule._lock(), True)
        rule._unlock()

    @freeze_time("2030-03-04 10:00:00")
    def test_query_count_does_not_grow_with_orders(self):
        rule = self._on(DAY248)
        rule.fallback_user_id = self.env.ref("base.user_admin")  # whatever the database holds
        warm_up = self._sell(self._customer("Warm-up", user_id=self.rep.id), 100)
        rule._cron_schedule_followups(rule)  # caches (models, fields, users) filled
        self.assertEqual(len(self._activities(warm_up)), 2)
        few = [self._sell(self._customer(f"Few {i}", user_id=self.rep.id), 100) for i in range(3)]
        self.env.flush_all()
        self.env.invalidate_all()  # the same cold record cache under both test runners
        # (28 before rules recorded their entries: one INSERT per batch.)
        with self.assertQueryCount(__system__=29):
            self.assertEqual(rule._cron_schedule_followups(rule), 6)
        many = [
            self._sell(self._customer(f"Many {i}", user_id=self.rep.id), 100) for i in range(30)
        ]
        # Ten times the orders, no more queries.
        self.env.flush_all()
        self.env.invalidate_all()  # the same cold record cache under both test runners
        with self.assertQueryCount(__system__=29):
            self.assertEqual(rule._cron_schedule_followups(rule), 60)
        self.assertEqual(len(self._activities(few[0])) + len(self._activities(many[-1])), 4)
        # Nothing new: a rerun only looks.
        self.env.flush_all()
        self.env.invalidate_all()  # the same cold record cache under both test runners
        with self.assertQueryCount(__system__=13):
            self.assertEqual(rule._cron_schedule_followups(rule), 0)

    @freeze_time("2030-03-04 10:00:00")
    def test_preview_lists_the_next_30_days_without_creating_anything(self):
        rule = self._on(DAY248)
        rule.active = False
        customer = self._customer("Preview Partner", user_id=self.rep.id)
        self._sell(customer, 100)
        rule.invalidate_recordset(["preview_html"])
        preview = str(rule.preview_html)
        self.assertIn("Next 30 days: Activities: 3.", preview)
        for text in ("Preview Partner", "03/06/2030", "03/08/2030", "03/12/2030", self.rep.name):
            self.assertIn(text, preview)
        self.assertFalse(self.env["retention.followup"].search([("partner_id", "=", customer.id)]))

    @freeze_time("2030-03-04 10:00:00")
    def test_debrief_lands_on_the_customer_and_logs_the_score(self):
        self._on(DAY248)
        customer = self._customer("Debriefed", user_id=self.rep.id)
        order = self._sell(customer, 100)
        self._run()
        activity = self._activities(order)[0]
        followup = self.env["retention.followup"].search([("activity_id", "=", activity.id)])
        activity.action_feedback(feedback="8/10 uses it daily, wants a second unit")
        self.assertEqual(followup.state, "done")
        self.assertEqual(str(followup.date_done), "2030-03-04")
        self.assertIn("uses it daily", self._last_note(customer))
        self.assertIn(order.name, self._last_note(customer))
        self.assertEqual(customer.feedback_ids.score, 8)
        self.assertEqual(customer.feedback_ids.res_id, order.id)


@tagged("post_install", "-at_install")
class TestAccountReviewCadence(CadenceCase):
    @freeze_time("2030-03-04 10:00:00")
    def test_review_interval_follows_the_opportunity_level(self):
        customers = {
            level: self._customer(f"{level} account", user_id=self.rep.id, opportunity_level=level)
            for level in ("high", "medium", "low")
        }
        for customer in customers.values():
            customer.last_review_date = "2030-01-03"
        self.assertEqual(str(customers["high"].next_review_date), "2030-04-03")
        self.assertEqual(str(customers["medium"].next_review_date), "2030-07-03")
        self.assertEqual(str(customers["low"].next_review_date), "2031-01-03")
        # No review yet: counted from the first order.
        new = self._customer("First buyer", opportunity_level="high")
        self._sell(new, 100)
        self.assertEqual(str(new.next_review_date), "2030-06-04")

    @freeze_time("2030-03-04 10:00:00")
    def test_due_review_is_scheduled_done_and_the_next_one_follows(self):
        self._on("retention_loyalty.cadence_account_review")
        due = self._customer("Due account", user_id=self.rep.id, opportunity_level="high")
        due.last_review_date = "2029-12-07"  # next: 2030-03-07, within the week
        later = self._customer("Later account", user_id=self.rep.id, opportunity_level="low")
        later.last_review_date = "2029-12-07"  # next: 2030-12-07
        self._run()
        [activity] = self._activities(due)
        self.assertEqual(str(activity.date_deadline), "2030-03-07")
        self.assertEqual(activity.user_id, self.rep)
        self.assertFalse(self._activities(later))

        reviews = self.env["retention.account.review"]
        before = reviews.search_count([])
        action = due.action_start_account_review()
        self.assertEqual(reviews.search_count([]), before, "no draft until the rep saves")
        review = Form(reviews.with_context(**action["context"])).save()
        self.assertEqual(
            set(review.answer_ids.mapped("area")), {"feelings", "needs", "competitors"}
        )
        review.answer_ids[0].answer = "Very happy with the support"
        review.opportunity_level = "medium"
        review.action_done()
        self.assertFalse(activity.exists(), "the review activity is done")
        self.assertEqual(str(due.last_review_date), "2030-03-04")
        self.assertEqual(due.opportunity_level, "medium")
        self.assertEqual(str(due.next_review_date), "2030-09-04")
        self._run()
        self.assertFalse(self._activities(due), "next review not due yet")
        states = (
            self.env["retention.followup"].search([("partner_id", "=", due.id)]).mapped("state")
        )
        self.assertEqual(states, ["done"])
        with freeze_time("2030-09-01 09:00:00"):
            self._run()
        self.assertEqual(self._dates(due), ["2030-09-04"])

    def test_review_recommendation_becomes_an_opportunity(self):
        customer = self._customer("Upsell target", user_id=self.rep.id)
        review = self.env["retention.account.review"].create(
            {
                "partner_id": customer.id,
                "recommendation_kind": "maintenance",
                "recommendation": "<p>Offer the yearly maintenance contract</p>",
            }
        )
        review.action_create_opportunity()
        lead = review.lead_id
        self.assertEqual(lead.partner_id, customer)
        self.assertEqual(lead.type, "opportunity")
        self.assertIn("Maintenance contract", lead.name)
        self.assertIn("yearly maintenance", str(lead.description))
        self.assertEqual(review.action_create_opportunity()["res_id"], lead.id, "only one")

    def test_contact_starts_a_review_of_its_company(self):
        company = self._customer("Parent Co")
        contact = self.env["res.partner"].create({"name": "Jane", "parent_id": company.id})
        review = self.env["retention.account.review"].create({"partner_id": contact.id})
        self.assertEqual(review.partner_id, company)
        self.assertTrue(review.answer_ids)
        review.write({"answer_ids": [Command.create({"question": "Extra?", "area": "needs"})]})
        self.assertEqual(company.review_count, 1)

    def test_only_the_hourly_run_is_cut_in_chunks(self):
        # Chunks pay in the scheduled run over every rule; a run an order's
        # confirm triggered early (its nextcall still ahead) does its few
        # follow-ups alone, and so does a call from outside the cron.
        cron = self.env.ref("retention_loyalty.ir_cron_cadence")
        rules = self.env["retention.cadence"].with_context(cron_id=cron.id)
        with freeze_time("2030-03-04 10:00:00"):
            cron.nextcall = "2030-03-04 09:59:00"
            self.assertTrue(rules._is_scheduled_call())
            cron.nextcall = "2030-03-04 10:30:00"
            self.assertFalse(rules._is_scheduled_call())
            self.assertFalse(self.env["retention.cadence"]._is_scheduled_call())
