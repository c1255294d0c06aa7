from datetime import timedelta

from odoo import Command, fields
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

    def test_admin_writes_a_rule_that_e_mails_customers_and_previews_it(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Traveller", "is_company": True, "email": "traveller@example.com"}
        )
        product = self.env["product.product"].create({"name": "Tour trip", "list_price": 10})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        order.write(
            {
                "date_order": fields.Datetime.now() - timedelta(days=3),
                "departure_date": fields.Date.today() + timedelta(days=21),
            }
        )
        self.start_tour(
            "/odoo/action-retention_loyalty.action_retention_cadence/new",
            "retention_loyalty_email_step_tour",
            login="admin",
        )
        rule = self.env["retention.cadence"].search([("title", "=", "Tour countdown e-mails")])
        self.assertEqual(rule.template_ids.retention_action, "email_customer")
        self.assertEqual(rule.template_ids.delay_from, "before_plan_date")
        # Nobody chose a type or an assignee: the e-mail type, the salesperson.
        self.assertEqual(
            rule.template_ids.activity_type_id, self.env.ref("mail.mail_activity_data_email")
        )
        self.assertEqual(rule.template_ids.responsible_type, "retention_salesperson")
        action = rule.action_view_followups()
        self.assertNotIn("search_default_planned", str(action["context"]), "every state shows")

    def test_admin_reads_the_nps_over_time_chart(self):
        """Red / amber / green shares per month and the NPS line: the tour
        reads the chart's datasets (a missing colour or line fails it)."""
        customer = self.env["res.partner"].create({"name": "Tour NPS Customer", "is_company": True})
        answers = [
            ("2026-01-10", 10),
            ("2026-01-12", 9),
            ("2026-01-14", 8),
            ("2026-01-20", 2),
            ("2026-02-03", 9),
            ("2026-02-04", 3),
            ("2026-02-05", 4),
            ("2026-02-06", 5),
            # Nobody answers in March: the month shows, empty.
            ("2026-04-08", 10),
        ]
        feedback = self.env["retention.feedback"].create(
            [{"partner_id": customer.id, "date": date, "score": score} for date, score in answers]
        )
        self.assertEqual(
            feedback.mapped("nps_category"),
            ["promoter", "promoter", "passive", "detractor"]
            + ["promoter"]
            + ["detractor"] * 3
            + ["promoter"],
        )
        # Answers in a company the admin belongs to but has not selected.
        other_company = self.env["res.company"].create({"name": "Tour NPS Other Company"})
        self.env.ref("base.user_admin").company_ids += other_company
        self.env["retention.feedback"].create(
            [
                {"partner_id": customer.id, "date": "2026-01-15", "score": 0, "company_id": c}
                for c in [other_company.id] * 4
            ]
        )
        self.start_tour(
            "/odoo/action-retention_loyalty.action_retention_nps_report",
            "retention_loyalty_nps_report_tour",
            login="admin",
        )

    def test_admin_reads_health_movements_against_the_band_limits(self):
        params = self.env["ir.config_parameter"]
        params.set_param("retention_loyalty.health_good_min", 75)
        params.set_param("retention_loyalty.health_poor_below", 35)
        customer = self.env["res.partner"].create({"name": "Tour Health", "is_company": True})
        self.env["retention.health.history"].create(
            {
                "partner_id": customer.id,
                "company_id": self.env.company.id,
                "date": fields.Date.today(),
                "score": 60,
                "band": "at_risk",
            }
        )
        self.start_tour(
            "/odoo/action-retention_loyalty.action_retention_health_history",
            "retention_loyalty_health_graph_tour",
            login="admin",
        )

    def test_rep_drags_a_customer_in_the_advocate_kanban(self):
        customer = self.env["res.partner"].create({"name": "Tour Trader", "is_company": True})
        self.env["retention.feedback"].create({"partner_id": customer.id, "score": 8})
        self.assertEqual(customer.advocacy_stage, "customer")
        new_test_user(self.env, login="tour_rep", groups="sales_team.group_sale_salesman")
        self.start_tour("/odoo", "retention_loyalty_advocates_tour", login="tour_rep")
        self.assertEqual(customer.advocacy_stage, "promoter")
        self.assertTrue(customer.advocacy_stage_manual)

    def test_the_demo_advocates_are_on_the_board(self):
        wood_corner = self.env.ref("base.res_partner_1", raise_if_not_found=False)
        if not self.env.ref("retention_loyalty.user_demo_rep", raise_if_not_found=False):
            self.skipTest("the demo's advocates come with the demo data")
        self.assertEqual(wood_corner.advocacy_stage, "advocate")
        self.start_tour("/odoo", "retention_loyalty_demo_advocates_tour", login="admin")


@tagged("post_install", "-at_install")
class TestRetentionRepDay(HttpCase):
    """A rep's day on the demo data, end to end in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = cls.env.ref("retention_loyalty.user_demo_rep", raise_if_not_found=False)
        cls.customer = cls.env.ref("base.res_partner_2", raise_if_not_found=False)
        if not cls.rep or not cls.customer:
            cls.skipTest(cls, "the rep's day runs on the demo data")
        # The follow-ups the scheduler would have planned by this morning.
        cls.env["retention.cadence"]._cron_schedule_followups(commit=False)

    def test_rep_logs_feedback_closes_a_call_and_reviews_the_account(self):
        feedback_before = self.customer.feedback_ids
        self.start_tour("/odoo", "retention_loyalty_rep_day_tour", login=self.rep.login)
        new_feedback = self.customer.feedback_ids - feedback_before
        self.assertEqual(
            sorted(new_feedback.mapped(lambda f: (f.score, f.channel))),
            [(8, "phone"), (9, "phone")],
            "the logged feedback and the score of the recovery call",
        )
        review = self.env["retention.account.review"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "done")]
        )
        self.assertEqual(len(review), 1)
        self.assertEqual(review.recommendation_kind, "upsell")
        self.assertEqual(review.lead_id.partner_id, self.customer)
        self.assertIn("chairs", review.answer_ids.filtered("answer")[0].answer)

    def test_rep_resolves_a_complaint_by_drag_once_it_has_a_resolution(self):
        self.start_tour("/odoo", "retention_loyalty_complaint_tour", login=self.rep.login)
        complaint = self.env["retention.complaint"].search([("name", "=", "Wobbly table legs")])
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.state, "resolved")
        self.assertIn("Replaced the legs", complaint.resolution)

    def test_the_gauge_reads_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        new_test_user(
            self.env, login="tour_fi", groups="sales_team.group_sale_salesman", lang="fi_FI"
        )
        customer = self.env["res.partner"].create({"name": "Gauge Customer", "is_company": True})
        self.env["retention.feedback"].create(
            [{"partner_id": customer.id, "score": score} for score in (6, 7)]
        )
        self.assertAlmostEqual(customer.satisfaction_score, 6.5)
        self.start_tour(
            f"/odoo/res.partner/{customer.id}", "retention_loyalty_gauge_tour", login="tour_fi"
        )
