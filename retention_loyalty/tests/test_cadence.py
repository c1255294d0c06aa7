from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import RetentionCase

DAY248 = "retention_loyalty.cadence_after_sale_248"
WEEKLY = "retention_loyalty.cadence_weekly_until_departure"
REVIEW = "retention_loyalty.cadence_account_review"
DETRACTOR = "retention_loyalty.cadence_detractor_recovery"
CALL = "retention_loyalty.mail_activity_type_followup_call"


class CadenceCase(RetentionCase):
    """Only the rules a test switches on run; reps own the customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["retention.cadence"].search([]).active = False
        cls.env["ir.config_parameter"].set_param("retention_loyalty.cadence_horizon_days", 7)
        cls.rep = new_test_user(
            cls.env, login="cadence_rep", groups="sales_team.group_sale_salesman"
        )
        cls.other_rep = new_test_user(
            cls.env, login="cadence_rep2", groups="sales_team.group_sale_salesman"
        )
        cls.call = cls.env.ref(CALL)

    def _on(self, xmlid):
        rule = self.env.ref(xmlid)
        rule.active = True
        return rule

    def _run(self):
        return self.env["retention.cadence"]._cron_schedule_followups()

    def _activities(self, record):
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)],
            order="date_deadline, id",
        )

    def _dates(self, record):
        return [str(d) for d in self._activities(record).mapped("date_deadline")]

    def _rule(self, trigger, steps, **values):
        return self.env["retention.cadence"].create(
            {
                "name": f"Test {trigger}",
                "trigger": trigger,
                "template_ids": [
                    Command.create({"activity_type_id": self.call.id, **step}) for step in steps
                ],
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestCadenceTriggers(CadenceCase):
    @freeze_time("2030-03-04 10:00:00")  # a Monday
    def test_248_counts_from_the_confirmation_date(self):
        self._on(DAY248)
        customer = self._customer("Two Four Eight", user_id=self.rep.id)
        order = self._sell(customer, 500)
        self._run()
        # 7 days ahead: the day 2 and day 4 calls, not yet the day 8 visit.
        self.assertEqual(self._dates(order), ["2030-03-06", "2030-03-08"])
        activities = self._activities(order)
        self.assertEqual(activities.activity_type_id, self.call)
        self.assertEqual(activities.user_id, self.rep, "the customer's salesperson")
        self.assertTrue(all(activities.mapped("automated")))
        self.assertIn("used correctly", activities[0].summary)
        with freeze_time("2030-03-05 08:00:00"):
            self._run()
        self.assertEqual(self._dates(order), ["2030-03-06", "2030-03-08", "2030-03-12"])
        visit = self._activities(order)[-1]
        self.assertEqual(
            visit.activity_type_id,
            self.env.ref("retention_loyalty.mail_activity_type_customer_visit"),
        )
        self.assertIn("complementary product", visit.summary)

    @freeze_time("2030-03-04 10:00:00")
    def test_running_twice_creates_nothing_more(self):
        self._on(DAY248)
        orders = [self._sell(self._customer(f"Twice {i}"), 100) for i in range(3)]
        self.assertEqual(self._run(), 6)
        self.assertEqual(self._run(), 0)
        followups = self.env["retention.followup"].search(
            [("res_model", "=", "sale.order"), ("res_id", "in", [o.id for o in orders])]
        )
        self.assertEqual(len(followups), 6)
        self.assertEqual(sum(len(self._activities(o)) for o in orders), 6)

    @freeze_time("2030-03-04 10:00:00")
    def test_weekly_touches_stop_at_the_departure_date(self):
        self._on(WEEKLY)
        self.env["ir.config_parameter"].set_param("retention_loyalty.cadence_horizon_days", 40)
        order = self._sell(self._customer("Traveller", user_id=self.rep.id), 900)
        order.departure_date = date(2030, 3, 26)
        self._run()
        self.assertEqual(self._dates(order), ["2030-03-11", "2030-03-18", "2030-03-25"])

    @freeze_time("2030-03-04 10:00:00")
    def test_moved_departure_moves_the_pending_touches(self):
        self._on(WEEKLY)
        self.env["ir.config_parameter"].set_param("retention_loyalty.cadence_horizon_days", 40)
        order = self._sell(self._customer("Postponed", user_id=self.rep.id), 900)
        order.departure_date = date(2030, 3, 26)
        self._run()
        before = self._activities(order)
        order.departure_date = date(2030, 4, 2)
        self._run()
        self.assertEqual(
            self._dates(order), ["2030-03-11", "2030-03-18", "2030-03-25", "2030-04-01"]
        )
        self.assertLessEqual(before, self._activities(order), "moved, not re-created")
        pending = self.env["retention.followup"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(
            sorted(str(d) for d in pending.mapped("date_deadline")),
            ["2030-03-11", "2030-03-18", "2030-03-25", "2030-04-01"],
        )

    @freeze_time("2030-03-04 10:00:00")
    def test_cancelled_order_drops_its_pending_steps(self):
        self._on(DAY248)
        order = self._sell(self._customer("Regret", user_id=self.rep.id), 300)
        self._run()
        first, second = self._activities(order)
        first.action_feedback(feedback="Called, all good")
        order._action_cancel()
        self._run()
        self.assertFalse(self._activities(order))
        states = (
            self.env["retention.followup"]
            .search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
            .mapped("state")
        )
        self.assertEqual(sorted(states), ["cancelled", "done"])
        self.assertFalse(second.exists())
        # Confirmed again: the cancelled steps do not come back by themselves.
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self._run(), 0)

    @freeze_time("2030-03-04 10:00:00")
    def test_won_opportunity_schedules_on_the_customer_and_lost_drops(self):
        rule = self._rule(
            "lead_won",
            [{"summary": "Thank for the trust", "delay_count": 1, "delay_from": "after_plan_date"}],
        )
        customer = self._customer("Winner", user_id=self.rep.id)
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "type": "opportunity", "partner_id": customer.id}
        )
        lead.action_set_won()
        self._run()
        [activity] = self._activities(customer)
        self.assertEqual(str(activity.date_deadline), "2030-03-05")
        self.assertRegex(str(activity.note), rf"data-oe-id=.{lead.id}.", "links the opportunity")
        self.assertEqual(rule.followup_count, 1)
        lead.action_set_lost()
        self._run()
        self.assertFalse(self._activities(customer))

    @freeze_time("2030-03-08 10:00:00")  # a Friday
    def test_detractor_gets_a_recovery_call_the_next_working_day(self):
        self._on(DETRACTOR)
        customer = self._customer("Unhappy", user_id=self.rep.id)
        happy = self._customer("Happy", user_id=self.rep.id)
        self._answer(customer, 3, date=fields.Date.today())
        self._answer(happy, 9, date=fields.Date.today())
        self._run()
        [activity] = self._activities(customer)
        self.assertEqual(str(activity.date_deadline), "2030-03-11", "Monday, not Saturday")
        self.assertEqual(activity.user_id, self.rep)
        self.assertIn("Recovery call", activity.summary)
        self.assertFalse(self._activities(happy))

    @freeze_time("2030-06-03 10:00:00")
    def test_inactivity_counts_the_expected_interval_and_ends_with_an_order(self):
        self._rule(
            "inactivity",
            [{"summary": "We miss you", "delay_count": 0, "delay_from": "after_plan_date"}],
            inactivity_days=30,
        )
        late = self._customer("Late buyer", user_id=self.rep.id)
        self._sell(late, 100, days_ago=270)
        # Expected every (90 + 2 x 90) / 3 = 90 days: leaving after 180, today.
        self._sell(late, 100, days_ago=180)
        regular = self._customer("Regular buyer", user_id=self.rep.id)
        self._sell(regular, 100, days_ago=150)
        self._sell(regular, 100, days_ago=50)  # expected every 93 days, last 50 days ago: fine
        profile = late.retention_profile_ids
        self.assertEqual((profile.order_interval_days, profile.health_expected_interval), (90, 90))
        self._run()
        self.assertEqual(self._dates(late), ["2030-06-03"])
        self.assertFalse(self._activities(regular))
        self._sell(late, 100)
        self._run()
        self.assertFalse(self._activities(late), "bought again: the call is no longer due")

    @freeze_time("2030-03-04 10:00:00")
    def test_tier_upgrade_schedules_a_thank_you(self):
        self._on("retention_loyalty.cadence_tier_upgrade_thanks")
        customer = self._customer("Climber", user_id=self.rep.id)
        self._sell(customer, 100)
        self.assertEqual(customer.loyalty_tier_id, self.bronze)
        history = self.env["retention.tier.history"].search([("partner_id", "=", customer.id)])
        self.assertTrue(history.is_upgrade)
        self.assertEqual(history.new_tier_id, self.bronze)
        self._run()
        self.assertEqual(self._dates(customer), ["2030-03-05"])

    @freeze_time("2030-03-04 10:00:00")
    def test_partner_filter_limits_new_steps(self):
        rule = self._on(DAY248)
        rule.partner_domain = "[('opportunity_level', '=', 'high')]"
        high = self._customer("High potential", opportunity_level="high")
        low = self._customer("Low potential", opportunity_level="low")
        high_order, low_order = self._sell(high, 100), self._sell(low, 100)
        self._run()
        self.assertEqual(len(self._activities(high_order)), 2)
        self.assertFalse(self._activities(low_order))

    @freeze_time("2030-03-04 10:00:00")
    def test_note_placeholders_use_the_record(self):
        self._rule(
            "sale_confirmed",
            [
                {
                    "summary": "Hi",
                    "delay_count": 1,
                    "delay_from": "after_plan_date",
                    "note": "<p>Call {{ object.name }} about their order</p>",
                }
            ],
        )
        customer = self._customer("Placeholder Ltd", user_id=self.rep.id)
        self._sell(customer, 100)
        self._run()
        [activity] = self._activities(customer)
        self.assertIn("Call Placeholder Ltd about their order", str(activity.note))


@tagged("post_install", "-at_install")
class TestCadenceRepeats(CadenceCase):
    def test_monthly_repeat_after_the_anchor_keeps_month_ends(self):
        self._rule(
            "inactivity",
            [
                {
                    "summary": "Still missing you",
                    "delay_from": "after_plan_date",
                    "repeat_interval": 1,
                    "repeat_unit": "months",
                }
            ],
            inactivity_days=90,
        )
        customer = self._customer("Gone quiet", user_id=self.rep.id)
        with freeze_time("2029-08-04 10:00:00"):
            self._sell(customer, 100)  # leaving after 2 x 90 days: from 2030-01-31
        for day in ("2030-01-31", "2030-02-28", "2030-03-31"):
            with freeze_time(f"{day} 09:00:00"):
                self._run()
        self.assertEqual(self._dates(customer), ["2030-01-31", "2030-02-28", "2030-03-31"])

    @freeze_time("2030-03-04 10:00:00")
    def test_a_cadence_plan_launched_by_hand_assigns_the_salesperson(self):
        rule = self._on(DAY248)
        order = self._sell(self._customer("By hand", user_id=self.rep.id), 100)
        step = rule.template_ids[0]
        result = step._determine_responsible(self.env["res.users"], order)
        self.assertEqual(result, {"responsible": self.rep, "error": False})

    @freeze_time("2030-03-04 10:00:00")
    def test_placeholders_follow_fields_only(self):
        self._rule(
            "sale_confirmed",
            [
                {
                    "summary": "Hi",
                    "delay_count": 1,
                    "delay_from": "after_plan_date",
                    "note": "<p>{{ object.user_id.name }} / {{ object.env.ref('base.user_root') }}"
                    " / {{ object.user_id.password }}</p>",
                }
            ],
        )
        customer = self._customer("Safe notes", user_id=self.rep.id)
        self._sell(customer, 100)
        self._run()
        note = str(self._activities(customer).note)
        self.assertIn(self.rep.name, note)
        self.assertIn("object.env.ref", note, "code is not run")


@tagged("post_install", "-at_install")
class TestCadenceResponsible(CadenceCase):
    @freeze_time("2030-03-04 10:00:00")
    def test_salesperson_then_document_user_then_fallback_or_fixed_user(self):
        rule = self._rule(
            "sale_confirmed",
            [
                {"summary": "Salesperson", "delay_count": 1, "delay_from": "after_plan_date"},
                {
                    "summary": "Fixed",
                    "delay_count": 2,
                    "delay_from": "after_plan_date",
                    "responsible_type": "other",
                    "responsible_id": self.other_rep.id,
                },
            ],
            fallback_user_id=self.env.ref("base.user_admin").id,
        )
        self.assertEqual(rule.template_ids[0].responsible_type, "retention_salesperson")
        owned = self._customer("Owned", user_id=self.rep.id)
        orphan = self._customer("Orphan")
        nobody = self._customer("Nobody")
        self._sell(owned, 100)
        order = self._sell(orphan, 100)
        order.user_id = self.other_rep
        unowned = self._sell(nobody, 100)
        unowned.user_id = False
        self._run()
        by_summary = {a.summary: a.user_id for a in self._activities(owned)}
        self.assertEqual(by_summary, {"Salesperson": self.rep, "Fixed": self.other_rep})
        self.assertEqual(self._activities(orphan)[0].user_id, self.other_rep, "order's salesperson")
        self.assertEqual(self._activities(nobody)[0].user_id, self.env.ref("base.user_admin"))

    @freeze_time("2030-03-04 10:00:00")
    def test_scheduling_is_quiet(self):
        self._on(DAY248)
        customers = [self._customer(f"Quiet {i}", user_id=self.rep.id) for i in range(5)]
        for customer in customers:
            self._sell(customer, 100)
        mails = self.env["mail.mail"].search_count([])
        notifications = self.env["mail.notification"].search_count([])
        self.assertEqual(self._run(), 10)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no e-mail")
        self.assertEqual(self.env["mail.notification"].search_count([]), notifications)


@tagged("post_install", "-at_install")
class TestCadenceRuleChecks(CadenceCase):
    def test_step_without_activity_type(self):
        with self.assertRaisesText(ValidationError, "has no activity type"):
            self._rule("sale_confirmed", [{"summary": "Nothing", "activity_type_id": False}])

    def test_negative_offset(self):
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self._rule("sale_confirmed", [{"summary": "Back in time", "delay_count": -2}])

    def test_endless_repetition_on_a_one_off_trigger(self):
        with self.assertRaisesText(ValidationError, "with no end"):
            self._rule(
                "sale_confirmed",
                [
                    {
                        "summary": "Forever",
                        "delay_count": 2,
                        "delay_from": "after_plan_date",
                        "repeat_interval": 1,
                    }
                ],
            )
        # Before the anchor, a repetition stops there; a lasting trigger may repeat after.
        self._rule(
            "order_date",
            [{"summary": "Weekly", "delay_count": 1, "repeat_interval": 1}],
            anchor_field="departure_date",
        )
        self._rule(
            "inactivity",
            [
                {
                    "summary": "Monthly",
                    "delay_from": "after_plan_date",
                    "repeat_interval": 1,
                    "repeat_unit": "months",
                }
            ],
        )

    def test_step_before_an_event_and_activities_on_a_missing_document(self):
        with self.assertRaisesText(ValidationError, "nothing can happen before"):
            self._rule("detractor", [{"summary": "Too early", "delay_count": 1}])
        with self.assertRaisesText(ValidationError, "put them on the customer"):
            self._rule("review", [{"summary": "Where?", "delay_count": 0}], target="document")
        rule = self._rule("sale_confirmed", [{"summary": "Ok", "delay_from": "after_plan_date"}])
        with self.assertRaisesText(ValidationError, "intervals cannot be negative"):
            rule.template_ids.delay_count = -1

    def test_rule_is_an_activity_plan(self):
        rule = self._rule(
            "sale_confirmed",
            [{"summary": "Day 1", "delay_count": 1, "delay_from": "after_plan_date"}],
            target="document",
        )
        self.assertEqual(rule.plan_id.res_model, "sale.order")
        self.assertEqual(rule.plan_id.template_ids.summary, "Day 1")
        rule.target = "customer"
        self.assertEqual(rule.plan_id.res_model, "res.partner")
        copy = rule.copy()
        self.assertNotEqual(copy.plan_id, rule.plan_id)
        self.assertEqual(copy.template_ids.summary, "Day 1")
        plan = rule.plan_id
        rule.unlink()
        self.assertFalse(plan.exists())
