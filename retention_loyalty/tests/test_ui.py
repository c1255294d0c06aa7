from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRetentionUi(HttpCase):
    def test_admin_finds_the_retention_app_and_its_settings(self):
        self.start_tour("/odoo", "retention_loyalty_app_tour", login="admin")
