from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestRetentionSecurity(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="rl_rep", groups="sales_team.group_sale_salesman")
        cls.employee = new_test_user(cls.env, login="rl_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, login="rl_portal", groups="base.group_portal")
        cls.root_menu = cls.env.ref("retention_loyalty.menu_retention_root")
        cls.settings_menu = cls.env.ref("retention_loyalty.menu_retention_settings")
        cls.customer = cls._customer("Secure Co")
        cls.feedback = cls._answer(cls.customer, 8)

    def test_salesman_gets_the_retention_user_group(self):
        self.assertTrue(self.rep.has_group("retention_loyalty.group_retention_user"))
        self.assertFalse(self.rep.has_group("retention_loyalty.group_retention_manager"))

    def test_manager_implies_user_and_admin_is_manager(self):
        with self.assertRaisesText(AccessError, "Only retention administrators"):
            self.env["res.partner"].with_user(self.rep).create(
                {"name": "Self-made VIP", "loyalty_tier_id": self.gold.id}
            )
        # Editing a company with contacts rewrites its tier on them: allowed.
        contact = (
            self.env["res.partner"]
            .with_user(self.rep)
            .create({"name": "Contact", "parent_id": self.customer.id})
        )
        self.customer.with_user(self.rep).write(
            {"opportunity_level": "high", "vat": "BE0477472701"}
        )
        self.assertEqual(contact.opportunity_level, "high")
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("retention_loyalty.group_retention_manager"))
        self.assertTrue(admin.has_group("retention_loyalty.group_retention_user"))

    def test_portal_and_plain_employees_are_kept_out(self):
        for user in self.portal | self.employee:
            self.assertFalse(user.has_group("retention_loyalty.group_retention_user"))

    def test_demo_rep_is_a_retention_user_only(self):
        rep = self.env.ref("retention_loyalty.user_demo_rep", raise_if_not_found=False)
        if not rep:
            self.skipTest("database installed without demo data")
        self.assertTrue(rep.has_group("retention_loyalty.group_retention_user"))
        self.assertFalse(rep.has_group("retention_loyalty.group_retention_manager"))

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_menu_visibility(self):
        rep_menus = self._visible_menus(self.rep)
        self.assertIn(self.root_menu.id, rep_menus)
        # Reps can't reach configuration.
        self.assertNotIn(self.settings_menu.id, rep_menus)
        self.assertIn(self.settings_menu.id, self._visible_menus(self.env.ref("base.user_admin")))
        self.assertNotIn(self.root_menu.id, self._visible_menus(self.employee))

    def test_salesman_logs_feedback_but_cannot_edit_tiers(self):
        feedback = (
            self.env["retention.feedback"]
            .with_user(self.rep)
            .create({"partner_id": self.customer.id, "score": 10})
        )
        self.assertEqual(feedback.user_id, self.rep)
        self.assertEqual(self.customer.advocacy_stage, "promoter")
        self.assertEqual(self.silver.with_user(self.rep).name, "Silver")
        with self.assertRaises(AccessError):
            self.silver.with_user(self.rep).min_revenue = 1
        with self.assertRaises(AccessError):
            self.env["retention.tier"].with_user(self.rep).create({"name": "Mine", "sequence": 99})
        with self.assertRaises(AccessError):
            feedback.with_user(self.rep).unlink()

    def test_only_admins_set_a_tier_by_hand(self):
        with self.assertRaisesText(AccessError, "Only retention administrators"):
            self.customer.with_user(self.rep).write(
                {"loyalty_tier_locked": True, "loyalty_tier_id": self.gold.id}
            )
        with self.assertRaisesText(AccessError, "Only retention administrators"):
            self.env["res.partner"].with_user(self.rep).create(
                {"name": "Self-made VIP", "loyalty_tier_id": self.gold.id}
            )
        admin = self.env.ref("base.user_admin")
        self.customer.with_user(admin).write(
            {"loyalty_tier_locked": True, "loyalty_tier_id": self.gold.id}
        )
        self.assertEqual(self.customer.loyalty_tier_id, self.gold)
        # Odoo copies the company's tier to its contacts: reps may still add
        # contacts and edit the company.
        contact = (
            self.env["res.partner"]
            .with_user(self.rep)
            .create({"name": "Contact", "parent_id": self.customer.id})
        )
        self.customer.with_user(self.rep).write(
            {"opportunity_level": "high", "vat": "BE0477472701"}
        )
        self.assertEqual(contact.loyalty_tier_id, self.gold)
        self.assertEqual(contact.opportunity_level, "high")

    def test_portal_user_reads_nothing(self):
        for record in (self.feedback, self.silver):
            with self.assertRaises(AccessError):
                record.with_user(self.portal).read(["display_name"])
        with self.assertRaises(AccessError):
            self.env["retention.feedback"].with_user(self.portal).create(
                {"partner_id": self.portal.partner_id.id, "score": 10}
            )

    def test_feedback_stays_in_its_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["retention.feedback"].create(
            {"partner_id": self.customer.id, "score": 3, "company_id": other.id}
        )
        visible = self.env["retention.feedback"].with_user(self.rep).search([])
        self.assertIn(self.feedback, visible)
        self.assertNotIn(foreign, visible)


@tagged("post_install", "-at_install")
class TestCadenceSecurity(RetentionCase):
    """Retention admins write cadence rules (and so their plans), nothing more;
    reps read rules but neither change nor run them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env, login="rl_cad_rep", groups="sales_team.group_sale_salesman"
        )
        cls.admin = new_test_user(
            cls.env,
            login="rl_cad_admin",
            groups="base.group_user,retention_loyalty.group_retention_manager",
        )
        cls.rule = cls.env.ref("retention_loyalty.cadence_after_sale_248")

    def test_retention_admin_edits_rules_but_not_other_plans(self):
        Cadence = self.env["retention.cadence"].with_user(self.admin)
        rule = Cadence.create(
            {
                "name": "Admin's rule",
                "trigger": "sale_confirmed",
                "template_ids": [
                    (
                        0,
                        0,
                        {
                            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                            "summary": "Call",
                            "delay_count": 1,
                            "delay_from": "after_plan_date",
                        },
                    )
                ],
            }
        )
        rule.write(
            {"name": "Renamed", "template_ids": [(1, rule.template_ids.id, {"delay_count": 3})]}
        )
        self.assertEqual(rule.template_ids.delay_count, 3)
        other_plan = self.env["mail.activity.plan"].create(
            {"name": "Onboarding", "res_model": "res.partner"}
        )
        with self.assertRaises(AccessError):
            other_plan.with_user(self.admin).write({"name": "Hijacked"})
        # Nor through the rule, whose writes run as superuser once checked.
        other_step = self.env["mail.activity.plan.template"].create(
            {
                "plan_id": other_plan.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Welcome pack",
            }
        )
        with self.assertRaises(AccessError):
            rule.write({"template_ids": [(1, other_step.id, {"summary": "Hijacked"})]})
        with self.assertRaises(AccessError):
            rule.write({"template_ids": [(4, other_step.id)]})
        with self.assertRaises(AccessError):
            Cadence.create({"name": "Takeover", "plan_id": other_plan.id})
        self.assertEqual(other_step.summary, "Welcome pack")
        rule.unlink()
        self.assertTrue(other_plan.exists())

    def test_rep_reads_rules_but_cannot_change_or_run_them(self):
        self.assertEqual(self.rule.with_user(self.rep).name, "After-sale 2-4-8")
        with self.assertRaises(AccessError):
            self.rule.with_user(self.rep).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.rule.with_user(self.rep).action_run_now()
        with self.assertRaises(AccessError):
            self.rule.plan_id.with_user(self.rep).write({"name": "Mine"})
