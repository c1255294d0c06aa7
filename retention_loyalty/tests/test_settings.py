from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestRetentionSettings(TransactionCase):
    def _param(self):
        return (
            self.env["ir.config_parameter"].sudo().get_param("retention_loyalty.evaluation_months")
        )

    def test_evaluation_window_defaults_to_twelve_months(self):
        self.env["ir.config_parameter"].sudo().search(
            [("key", "=", "retention_loyalty.evaluation_months")]
        ).unlink()
        self.assertEqual(self.env["res.config.settings"].create({}).retention_evaluation_months, 12)

    def test_evaluation_window_is_saved(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.retention_evaluation_months = 18
        settings.record.execute()
        self.assertEqual(self._param(), "18")
        self.assertEqual(self.env["res.config.settings"].create({}).retention_evaluation_months, 18)

    def test_evaluation_window_out_of_range_is_refused(self):
        before = self._param()
        for months in (0, -3, 121):
            with self.assertRaisesRegex(ValidationError, "between 1 and 120 months"):
                self.env["res.config.settings"].create({"retention_evaluation_months": months})
        self.assertEqual(self._param(), before)

    def test_a_setting_saved_as_zero_stays_zero(self):
        # Odoo deletes an integer parameter saved as 0: our default came back
        # (a tier grace of 0 kept tiers 90 days, a weight of 0 weighed 20).
        with Form(self.env["res.config.settings"]) as settings:
            settings.retention_tier_grace_days = 0
            settings.retention_health_weight_tier = 0
            settings.retention_health_weight_recency = 25
        settings.record.execute()
        engine = self.env["retention.engine"]
        self.assertEqual(engine._setting("tier_grace_days"), 0)
        self.assertEqual(engine._health_weights()["health_tier"], 0)
        reopened = self.env["res.config.settings"].create({})
        self.assertEqual(reopened.retention_tier_grace_days, 0)
        self.assertEqual(reopened.retention_health_weight_tier, 0)
