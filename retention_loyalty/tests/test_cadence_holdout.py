"""Proof of effect: a rule holds out a random share of its customers, gives
them nothing, and measures the difference in buying again."""

import math
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.retention_cadence_holdout import holdout_bucket_sql
from .test_cadence import CadenceCase

GROUP_SIZE = 200
STEPS = [
    {"summary": "Call them", "delay_count": 0, "delay_from": "after_plan_date"},
    {
        "summary": "Text them",
        "retention_action": "sms_customer",
        "delay_count": 0,
        "delay_from": "after_plan_date",
    },
    {
        "summary": "Ask them",
        "retention_action": "feedback_request",
        "delay_count": 0,
        "delay_from": "after_plan_date",
    },
]


@tagged("post_install", "-at_install")
class TestHoldout(CadenceCase):
    def _controls(self, rule, partner_ids):
        self.env.cr.execute(
            SQL(
                "SELECT p FROM unnest(%s::int[]) p WHERE %s",
                partner_ids,
                rule._holdout_sql(SQL("p")),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def test_the_draw_holds_out_the_share_within_binomial_bounds(self):
        rule = self._rule("inactivity", STEPS[:1], holdout_percent=20)
        ids = list(range(1, 1001))
        controls = self._controls(rule, ids)
        # 1,000 draws at 20 %: 200 expected, 3.3 standard deviations either way.
        bound = 3.3 * math.sqrt(1000 * 0.2 * 0.8)
        self.assertLess(abs(len(controls) - 200), bound, len(controls))
        self.assertEqual(self._controls(rule, ids), controls, "the same draw every time")
        other = self._rule("inactivity", STEPS[:1], holdout_percent=20)
        self.assertNotEqual(self._controls(other, ids), controls, "each rule its own draw")
        # The bucket is uniform: each tenth of 0-9,999 gets about a tenth.
        self.env.cr.execute(
            SQL(
                "SELECT %s / 1000, count(*) FROM generate_series(1, 10000) p GROUP BY 1",
                holdout_bucket_sql(rule.id, SQL("p"), rule.holdout_since),
            )
        )
        for _tenth, count in self.env.cr.fetchall():
            self.assertLess(abs(count - 1000), 3.3 * math.sqrt(10000 * 0.1 * 0.9))

    def test_the_share_is_0_to_50_and_a_new_share_starts_a_new_period(self):
        rule = self._rule("inactivity", STEPS[:1], holdout_percent=10)
        with self.assertRaises(ValidationError):
            rule.holdout_percent = 60
        since = rule.holdout_since
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            rule.holdout_percent = 20
        self.assertGreater(rule.holdout_since, since)
        rule.write({"title": "Renamed", "holdout_percent": 20})
        self.assertEqual(rule.holdout_since, rule.holdout_since, "an edit keeps the period")

    @freeze_time("2030-06-03 10:00:00")
    def test_a_control_customer_gets_nothing_from_any_step_and_keeps_their_group(self):
        template = self.env["sms.template"].create(
            {
                "name": "Held",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "{{ object.name }}, hello.",
            }
        )
        email = {
            "summary": "Write to them",
            "retention_action": "email_customer",
            "retention_mail_template_id": self.env.ref(
                "retention_loyalty.mail_template_referral_invite"
            ).id,
            "delay_count": 0,
            "delay_from": "after_plan_date",
        }
        steps = [
            dict(STEPS[0]),
            {**STEPS[1], "retention_sms_template_id": template.id},
            STEPS[2],
            email,
        ]
        rule = self._rule("inactivity", steps, inactivity_days=30, holdout_percent=50)
        customers = self.env["res.partner"]
        for index in range(12):
            customer = self._customer(
                f"Drawn {index}",
                user_id=self.rep.id,
                email=f"drawn{index}@example.com",
                mobile=f"+32 470 12 34 {index:02d}",
            )
            # Expected every 90 days: leaving after 180, today.
            self._sell(customer, 100, days_ago=270)
            self._sell(customer, 100, days_ago=180)
            customers |= customer
        controls = self._controls(rule, customers.ids)
        self.assertTrue(controls and len(controls) < len(customers), "both groups drawn")
        self._run()
        self._run()  # a rerun changes nothing
        for customer in customers:
            followups = self.env["retention.followup"].search(
                [("cadence_id", "=", rule.id), ("partner_id", "=", customer.id)]
            )
            entry = self.env["retention.cadence.entry"].search(
                [("cadence_id", "=", rule.id), ("partner_id", "=", customer.id)]
            )
            self.assertEqual(len(entry), 1, "one entry per customer and period")
            with self.subTest(customer=customer.name):
                if customer.id in controls:
                    self.assertEqual(entry.group, "control")
                    self.assertEqual(set(followups.mapped("state")), {"held_out"})
                    self.assertFalse(self._activities(customer))
                    self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", customer.id)]))
                    self.assertFalse(
                        self.env["retention.feedback.request"].search(
                            [("partner_id", "=", customer.id)]
                        )
                    )
                else:
                    self.assertEqual(entry.group, "treated")
                    self.assertNotIn("held_out", followups.mapped("state"))
                    self.assertTrue(self._activities(customer))
                    self.assertTrue(
                        self.env["mail.mail"].search([("recipient_ids", "in", customer.ids)])
                    )
        # A later edit keeps every group.
        rule.title = "Win back, renamed"
        self.assertEqual(self._controls(rule, customers.ids), controls)

    def test_the_impact_of_a_rule_that_works(self):
        """200 treated customers buy again at 50 %, 200 held out at 25 %: the
        report counts what the data holds, and the 95 % interval covers the
        true 25 points and excludes zero."""
        rule = self._rule("inactivity", STEPS[:1], holdout_percent=50, impact_window_days=90)
        entered = fields.Date.today() - timedelta(days=120)
        partners = self.env["res.partner"].create(
            [{"name": f"Measured {index}", "is_company": True} for index in range(400)]
        )
        self.env["retention.cadence.entry"].create(
            [
                {
                    "cadence_id": rule.id,
                    "partner_id": partner.id,
                    "company_id": self.env.company.id,
                    "period_start": rule.holdout_since,
                    "date": entered,
                    "group": "treated" if index < GROUP_SIZE else "control",
                }
                for index, partner in enumerate(partners)
            ]
        )
        buyers = partners[:100] | partners[200:250]
        late = partners[100:110]  # bought, but after the window: not counted
        self._insert_orders(buyers, entered + timedelta(days=30), 80)
        self._insert_orders(late, entered + timedelta(days=100), 80)
        rows = self.env["retention.cadence.impact"]._read_group(
            [("cadence_id", "=", rule.id)],
            ["group"],
            ["customer_count:sum", "repeat_customer_count:sum", "revenue:sum"],
        )
        by_group = {group: (count, repeat, revenue) for group, count, repeat, revenue in rows}
        self.assertEqual(by_group["treated"], (200, 100, 8000))
        self.assertEqual(by_group["control"], (200, 50, 4000))
        rule.invalidate_recordset()
        self.assertAlmostEqual(rule.impact_lift, 25.0, places=6)
        self.assertLess(rule.impact_lift_low, 25)
        self.assertGreater(rule.impact_lift_high, 25)
        self.assertGreater(rule.impact_lift_low, 0, "the interval excludes zero")
        self.assertEqual(rule.impact_customer_count, 400)
        # (8,000 / 200 - 4,000 / 200) x 200 treated customers.
        self.assertAlmostEqual(rule.impact_revenue, 4000.0, places=2)
        self.assertIn("+25.0 points", rule.impact_summary)
        # The digest of the period they entered in names the proven lift.
        digest = self.env["digest.digest"].create(
            {"name": "Proof", "company_id": self.env.company.id}
        )
        entered_at = fields.Datetime.to_datetime(entered)
        in_period = digest.with_context(
            start_datetime=entered_at - timedelta(days=10),
            end_datetime=entered_at + timedelta(days=10),
        )
        self.assertAlmostEqual(in_period.kpi_retention_best_rule_lift_value, 25.0)
        self.assertAlmostEqual(in_period.kpi_retention_worst_rule_lift_value, 25.0)
        other = self.env["digest.digest"].create(
            {"name": "Quiet", "company_id": self.env.company.id}
        )
        quiet = other.with_context(
            start_datetime=entered_at + timedelta(days=30),
            end_datetime=entered_at + timedelta(days=60),
        )
        self.assertEqual(quiet.kpi_retention_best_rule_lift_value, 0, "nothing entered then")

    def test_too_few_customers_say_so(self):
        rule = self._rule("inactivity", STEPS[:1], holdout_percent=50)
        self.assertIn("Not enough customers yet", rule.impact_summary)
        self.assertEqual(rule.impact_lift, 0)

    def _insert_orders(self, partners, day, amount):
        """One confirmed order each, on `day`."""
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": amount})
                    ],
                }
                for partner in partners
            ]
        )
        orders.action_confirm()
        orders.write({"date_order": fields.Datetime.to_datetime(day) + timedelta(hours=12)})
        self.env.flush_all()
