from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestRetentionGroups(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="rl_rep", groups="sales_team.group_sale_salesman")
        cls.employee = new_test_user(cls.env, login="rl_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, login="rl_portal", groups="base.group_portal")
        cls.root_menu = cls.env.ref("retention_loyalty.menu_retention_root")
        cls.settings_menu = cls.env.ref("retention_loyalty.menu_retention_settings")

    def test_salesman_gets_the_retention_user_group(self):
        self.assertTrue(self.rep.has_group("retention_loyalty.group_retention_user"))
        self.assertFalse(self.rep.has_group("retention_loyalty.group_retention_manager"))

    def test_manager_implies_user_and_admin_is_manager(self):
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
