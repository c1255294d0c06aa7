from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestExampleExtension(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = cls.env["res.users"].create(
            {"name": "Example rep", "login": "example_rep", "email": "rep@example.com"}
        )
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    def _run(self):
        return self.env["retention.cadence"]._cron_schedule_followups(commit=False)

    # No frozen time: a customer's create_date is the transaction's, PostgreSQL's now.
    def test_an_added_trigger_and_step_kind_run(self):
        rule = self.env["retention.cadence"].create(
            {
                "title": "Welcome new customers",
                "trigger": "new_customer",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.call.id,
                            "summary": "Welcome call",
                            "delay_count": 1,
                            "delay_from": "after_plan_date",
                        }
                    ),
                    Command.create(
                        {
                            "activity_type_id": self.call.id,
                            "summary": "Welcome to our customers!",
                            "retention_action": "welcome_note",
                            "delay_count": 0,
                            "delay_from": "after_plan_date",
                        }
                    ),
                ],
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "Brand new", "is_company": True, "user_id": self.rep.id}
        )
        self.env.flush_all()
        self._run()
        activities = customer.activity_ids
        self.assertEqual(activities.mapped("summary"), ["Welcome call"])
        self.assertEqual(activities.user_id, self.rep)
        self.assertIn("Welcome to our customers!", customer.message_ids.mapped("preview"))
        followups = self.env["retention.followup"].search(
            [("cadence_id", "=", rule.id), ("partner_id", "=", customer.id)]
        )
        self.assertEqual(sorted(followups.mapped("state")), ["done", "planned"])
        self._run()
        self.assertEqual(len(customer.activity_ids), 1, "each step once")

    @freeze_time("2030-03-04 10:00:00")
    def test_every_engine_activity_goes_through_create(self):
        for xmlid in (
            "retention_loyalty.cadence_after_sale_248",
            "retention_loyalty.cadence_detractor_recovery",
        ):
            self.env.ref(xmlid).active = True
        customer = self.env["res.partner"].create(
            {"name": "Buyer", "is_company": True, "user_id": self.rep.id}
        )
        product = self.env["product.product"].create({"name": "Example", "list_price": 10})
        order = self.env["sale.order"].create(
            {"partner_id": customer.id, "order_line": [Command.create({"product_id": product.id})]}
        )
        order.action_confirm()
        self.env["retention.feedback"].create({"partner_id": customer.id, "score": 2})
        self.env.flush_all()
        self._run()
        followups = self.env["retention.followup"].search(
            [("partner_id", "=", customer.id), ("activity_id", "!=", False)]
        )
        self.assertGreaterEqual(len(followups), 3, "two 2-4-8 calls and a recovery call")
        self.assertTrue(all(followups.activity_id.mapped("example_checked")))
