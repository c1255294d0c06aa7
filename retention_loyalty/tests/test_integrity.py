"""Holes found by probing a running server (rights and bad input), one test
per finding, numbered as in the probe's report."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .. import hooks
from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestIntegrity(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.admin = new_test_user(
            cls.env,
            login="probe_admin",
            groups="sales_team.group_sale_salesman,retention_loyalty.group_retention_manager",
        )
        cls.customer = cls._customer("Probed Co")
        cls.Rules = cls.env["retention.cadence"].with_user(cls.admin)

    def _rule(self, step=None, **values):
        step = {
            "activity_type_id": self.call.id,
            "delay_count": 2,
            "delay_from": "after_plan_date",
            **(step or {}),
        }
        return self.Rules.create(
            {"name": "Probe rule", "trigger": "sale_confirmed", **values}
            | {"template_ids": [Command.create(step)]}
        )

    def test_item_3_notes_and_filters_only_reach_what_the_admin_reads(self):
        with self.assertRaisesText(ValidationError, "cannot be filled in"):
            self._rule(step={"note": "<p>{{ object.sale_order_ids.amount_total }}</p>"})
        with self.assertRaisesText(ValidationError, "field you cannot read"):
            self._rule(partner_domain="[('credit_limit', '>', 4000)]")
        rule = self._rule(step={"note": "<p>Call {{ object.user_id.name }}</p>"})
        self.assertTrue(rule)

    def test_item_4_a_step_stays_in_its_plan_and_the_model_follows_the_trigger(self):
        rule = self._rule()
        other = self.env["mail.activity.plan"].create({"name": "HR", "res_model": "res.partner"})
        with self.assertRaises(AccessError):
            rule.write(
                {"template_ids": [Command.update(rule.template_ids.id, {"plan_id": other.id})]}
            )
        with self.assertRaisesText(ValidationError, "cannot be set directly"):
            rule.write({"res_model": "sale.order"})
        self.assertEqual(rule.template_ids.plan_id, rule.plan_id)
        self.assertEqual(rule.res_model, "res.partner")

    def test_item_5_uninstall_keeps_other_plans_steps(self):
        ours = self.env.ref("retention_loyalty.mail_activity_type_followup_call")
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "Offboarding",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": ours.id,
                            "summary": "Hand over laptop and badge",
                            "note": "<p>At the front desk</p>",
                            "responsible_type": "other",
                            "responsible_id": self.admin.id,
                        }
                    )
                ],
            }
        )
        hooks.uninstall_hook(self.env)
        step = plan.template_ids
        self.assertNotEqual(step.activity_type_id, ours)
        self.assertEqual(step.summary, "Hand over laptop and badge")
        self.assertIn("front desk", str(step.note))
        self.assertEqual((step.responsible_type, step.responsible_id), ("other", self.admin))

    def test_item_6_portal_users_read_no_internal_figure(self):
        portal = new_test_user(self.env, login="probe_portal", groups="base.group_portal")
        self._sell(portal.partner_id, 100)
        mine = portal.partner_id.with_user(portal)
        for name in ("advocacy_stage", "satisfaction_score", "loyalty_revenue", "is_key_account"):
            with self.assertRaises(AccessError):
                mine.read([name])
        with self.assertRaises(AccessError):
            mine.search([("advocacy_stage", "=", "new")])
        # What the portal page may show stays readable as superuser.
        self.assertEqual(mine.sudo().loyalty_tier_id, self.bronze)

    def test_item_7_the_rule_form_opens_for_users_of_their_own_documents(self):
        other_rep = new_test_user(
            self.env, login="probe_other_rep", groups="sales_team.group_sale_salesman"
        )
        order = self._sell(self._customer("Other rep's customer"), 100)
        order.user_id = other_rep
        rule = self._rule().with_user(self.admin)
        preview = str(rule.preview_html)
        self.assertNotIn(order.name, preview)

    def test_item_8_bad_filters_and_numbers_are_refused_when_saved(self):
        for text in (
            "[('id', '>', 'abc')]",
            "[('create_date', '>', 'garbage')]",
            "'abc'",
            "None",
            "42",
            "{1: 2}",
            "[('parent_id" + ".parent_id" * 300 + ".name', '=', 'x')]",
            "[('no_such_field', '=', 1)]",
        ):
            with self.subTest(text=text[:40]), self.assertRaises(ValidationError):
                self._rule(partner_domain=text)
        with self.assertRaisesText(ValidationError, "Inactive After"):
            self._rule(trigger="inactivity", inactivity_days=2**31 - 1)

    def test_item_9_extreme_dates_are_refused(self):
        for day in (date(1700, 1, 1), date(2300, 1, 1)):
            with self.assertRaisesText(ValidationError, "between 1900 and today"):
                self.env["retention.feedback"].create(
                    {"partner_id": self.customer.id, "score": 5, "date": day}
                )
        with self.assertRaisesText(ValidationError, "between 1900 and today"):
            self.env["retention.complaint"].create(
                {
                    "name": "Far future",
                    "partner_id": self.customer.id,
                    "date_reported": "9999-12-30",
                }
            )

    def test_item_10_no_referral_loop_through_contacts(self):
        alpha, beta = self._customer("Alpha"), self._customer("Beta")
        alpha_contact = self.env["res.partner"].create({"name": "Al", "parent_id": alpha.id})
        beta_contact = self.env["res.partner"].create({"name": "Be", "parent_id": beta.id})
        alpha.referred_by_id = beta_contact
        alpha_contact.referred_by_id = False
        with self.assertRaisesText(ValidationError, "loop"):
            beta.referred_by_id = alpha_contact

    def test_item_11_a_shared_tier_stays_on_every_company_ladder(self):
        beta = self.env["res.company"].create({"name": "Beta Co"})
        self.env["retention.tier"].create(
            {
                "name": "Beta Club",
                "sequence": 15,
                "min_revenue": 4000,
                "min_order_count": 2,
                "company_id": beta.id,
            }
        )
        with self.assertRaisesText(ValidationError, "Beta Club"):
            self.silver.min_revenue = 3000  # now under Beta Club, ranked below it

    def test_item_12_complaints_and_answers_cannot_be_faked(self):
        complaint = self.env["retention.complaint"].create(
            {"name": "Rude driver", "partner_id": self.customer.id}
        )
        with self.assertRaisesText(UserError, "Describe the resolution"):
            complaint.write({"state": "resolved"})  # a kanban drag writes just this
        with self.assertRaisesText(UserError, "set when the complaint is resolved"):
            complaint.with_user(self.admin).write({"date_resolved": "2000-01-01 00:00:00"})
        complaint.write({"state": "resolved", "resolution": "<p>Apologised, new driver</p>"})
        self.assertTrue(complaint.date_resolved)
        request = self.env["retention.feedback.request"].create(
            {"partner_id": self.customer.id, "date_expiry": "2099-01-01"}
        )
        answer = request._record_answer(8)
        with self.assertRaisesText(UserError, "answered this themselves"):
            answer.with_user(self.admin).score = 10
        self.assertEqual(answer.score, 8)

    def test_item_13_the_quiet_period_says_another_company_asked(self):
        other = self.env["res.company"].create({"name": "Sister Co"})
        shared = self._customer("Shared Asked", email="asked@example.com")
        self.env["retention.feedback.request"].with_company(other)._send_to(
            shared,
            sources=[self.env["retention.complaint"].create({"name": "x", "company_id": other.id})],
        )
        rep = new_test_user(
            self.env, login="probe_quiet_rep", groups="sales_team.group_sale_salesman"
        )
        action = shared.with_user(rep).action_request_feedback()
        message = action["params"]["message"]
        self.assertIn("by another company", message)
        self.assertNotIn("Sister Co", message)
