"""The cadence engine inside Odoo: activities through mail.activity.create,
the company's working calendar, merged opportunities, and texts in each
user's language."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .test_cadence import DAY248, DETRACTOR, CadenceCase

LANGUAGES = ("fi_FI", "uk_UA", "zh_CN", "zh_TW")
SHIPPED_RULES = (
    "cadence_after_sale_248",
    "cadence_weekly_until_departure",
    "cadence_account_review",
    "cadence_detractor_recovery",
    "cadence_complaint_measure",
    "cadence_inactivity_winback",
    "cadence_tier_upgrade_thanks",
    "cadence_countdown_emails",
)


@tagged("post_install", "-at_install")
class TestCadencePlatform(CadenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGUAGES:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["retention_loyalty"], list(LANGUAGES))

    def _answer(self, customer, score, **values):
        return self.env["retention.feedback"].create(
            {"partner_id": customer.id, "score": score, **values}
        )

    @freeze_time("2030-03-07 10:00:00")  # a Thursday
    def test_a_public_holiday_of_the_company_calendar_moves_the_step(self):
        self._on(DETRACTOR)
        calendar = self.env.company.resource_calendar_id
        calendar.tz = "UTC"
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": datetime(2030, 3, 8, 0, 0),
                "date_to": datetime(2030, 3, 8, 23, 59, 59),
            }
        )
        customer = self._customer("Unhappy on Thursday", user_id=self.rep.id)
        self._answer(customer, 2, date=fields.Date.today())
        self._run()
        [activity] = self._activities(customer)
        # Friday is a holiday, then the weekend: the next working day is Monday.
        self.assertEqual(activity.date_deadline, date(2030, 3, 11))

    @freeze_time("2030-03-07 10:00:00")  # a Thursday
    def test_a_friday_saturday_weekend_moves_the_step_to_sunday(self):
        # The calendar's weekend, not a Saturday/Sunday written in the engine.
        self._on(DETRACTOR)
        self.env.company.resource_calendar_id = self.env["resource.calendar"].create(
            {
                "name": "Sunday to Thursday",
                "tz": "UTC",
                "attendance_ids": [
                    (0, 0, {"name": day, "dayofweek": day, "hour_from": 8, "hour_to": 16})
                    for day in ("6", "0", "1", "2", "3")
                ],
            }
        )
        customer = self._customer("Unhappy before the weekend", user_id=self.rep.id)
        self._answer(customer, 2, date=fields.Date.today())
        self._run()
        self.assertEqual(self._activities(customer).date_deadline, date(2030, 3, 10))

    @freeze_time("2030-03-08 10:00:00")  # a Friday
    def test_a_company_without_calendar_works_every_day(self):
        self._on(DETRACTOR)
        self.env.company.resource_calendar_id = False
        customer = self._customer("Unhappy, no calendar", user_id=self.rep.id)
        self._answer(customer, 2, date=fields.Date.today())
        self._run()
        self.assertEqual(self._activities(customer).date_deadline, date(2030, 3, 9))

    def test_merging_opportunities_keeps_the_referral(self):
        referrer = self._customer("Referrer")
        leads = self.env["crm.lead"].create(
            [
                {"name": "Lead without referral", "type": "opportunity"},
                {
                    "name": "Lead with referral",
                    "type": "opportunity",
                    "referred_by_id": referrer.id,
                },
            ]
        )
        merged = leads._merge_opportunity(auto_unlink=False)
        self.assertEqual(merged.referred_by_id, referrer)

    def test_the_shipped_rules_speak_four_languages(self):
        for xmlid in SHIPPED_RULES:
            rule = self.env.ref(f"retention_loyalty.{xmlid}")
            for lang in LANGUAGES:
                with self.subTest(rule=xmlid, lang=lang):
                    translated = rule.with_context(lang=lang)
                    self.assertNotEqual(translated.title, rule.title)
                    for step in translated.template_ids:
                        self.assertNotEqual(
                            step.retention_summary, step.with_context(lang="en_US").summary
                        )

    @freeze_time("2030-03-04 10:00:00")
    def test_each_activity_is_written_in_its_assignee_language(self):
        self._on(DAY248)
        self.rep.lang = "fi_FI"
        self.other_rep.lang = "zh_CN"
        finnish = self._sell(self._customer("Suomalainen", user_id=self.rep.id), 100)
        chinese = self._sell(self._customer("中国客户", user_id=self.other_rep.id), 100)
        self._run()
        step = self.env.ref("retention_loyalty.cadence_after_sale_248_step_day2")
        for order, lang in ((finnish, "fi_FI"), (chinese, "zh_CN")):
            first = self._activities(order)[0]
            self.assertEqual(first.summary, step.with_context(lang=lang).retention_summary)
            self.assertNotEqual(first.summary, step.summary)

    def test_a_tier_note_reads_in_the_salesperson_language(self):
        self.rep.lang = "fi_FI"
        customer = self._customer("Finnish buyer", user_id=self.rep.id)
        self._sell(customer, 60000)
        notes = customer.message_ids.filtered(lambda m: "→" in (m.body or ""))
        self.assertTrue(notes)
        self.assertIn("Kanta-asiakastaso", notes[0].body)

    def test_a_review_name_uses_the_reviewer_date_format(self):
        self.rep.lang = "fi_FI"
        review = self.env["retention.account.review"].create(
            {
                "partner_id": self._customer("Reviewed").id,
                "user_id": self.rep.id,
                "date": "2030-03-04",
            }
        )
        self.assertIn("04.03.2030", review.name)

    def test_a_rule_created_in_english_keeps_its_title_and_plan_name_together(self):
        rule = self._rule(
            "sale_confirmed",
            [{"summary": "Thanks", "delay_count": 1, "delay_from": "after_plan_date"}],
        )
        self.assertEqual(rule.title, rule.name)
        rule.with_context(lang="fi_FI").title = "Kiitos-sääntö"
        self.assertEqual(rule.with_context(lang="en_US").title, "Test sale_confirmed")
        self.assertEqual(rule.name, "Test sale_confirmed", "a translation leaves Odoo's name")
        rule.template_ids.with_context(lang="fi_FI").retention_summary = "Kiitos"
        self.assertEqual(rule.template_ids.summary, "Thanks")
        self.assertEqual(rule.template_ids.with_context(lang="fi_FI").retention_summary, "Kiitos")
        self.assertEqual(rule.template_ids.with_context(lang="en_US").retention_summary, "Thanks")

    @freeze_time("2030-03-04 10:00:00")  # a Monday
    def test_a_second_low_score_joins_the_open_recovery_call(self):
        self._on(DETRACTOR)
        customer = self._customer("Twice unhappy", user_id=self.rep.id)
        self._answer(customer, 3, date=fields.Date.today())
        self._run()
        [call] = self._activities(customer)
        with freeze_time("2030-03-05 10:00:00"):
            # Another low score and a complaint the next day: still one call to make.
            self._answer(customer, 2, date=fields.Date.today())
            self.env["retention.complaint"].create(
                {"partner_id": customer.id, "name": "Late again"}
            )
            self._run()
            self.assertEqual(self._activities(customer), call)
            call.action_feedback(feedback="Called back")
            # Once it is done, a new low score calls for a new recovery.
            self._answer(customer, 1, date=fields.Date.today())
            self._run()
            self.assertEqual(len(self._activities(customer)), 1)
            self.assertNotEqual(self._activities(customer), call)
