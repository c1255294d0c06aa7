from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRetentionUi(HttpCase):
    def test_admin_finds_the_retention_app_and_its_settings(self):
        self.start_tour("/odoo", "retention_loyalty_app_tour", login="admin")

    def test_admin_previews_a_cadence_rule(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Preview Customer", "is_company": True}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.env["product.product"].create({"name": "Desk"}).id}
                    )
                ],
            }
        )
        order.action_confirm()
        self.start_tour("/odoo", "retention_loyalty_cadence_tour", login="admin")
        self.assertFalse(self.env["retention.followup"].search([("partner_id", "=", customer.id)]))

    def test_rep_drags_a_customer_in_the_advocate_kanban(self):
        customer = self.env["res.partner"].create({"name": "Tour Trader", "is_company": True})
        self.env["retention.feedback"].create({"partner_id": customer.id, "score": 8})
        self.assertEqual(customer.advocacy_stage, "customer")
        new_test_user(self.env, login="tour_rep", groups="sales_team.group_sale_salesman")
        self.start_tour("/odoo", "retention_loyalty_advocates_tour", login="tour_rep")
        self.assertEqual(customer.advocacy_stage, "promoter")
        self.assertTrue(customer.advocacy_stage_manual)
