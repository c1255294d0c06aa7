"""3. A health factor: "payment", 0 with an unpaid invoice past its due date,
100 with invoices all paid or not yet due, no data without invoices."""

from odoo import api, models
from odoo.addons.retention_loyalty.models.blank_fields import BlankFloat
from odoo.addons.retention_loyalty.models.retention_engine import setting_field
from odoo.tools import SQL

# Its weight: none by default (the shipped weights already total 100).
DEFAULTS = {"health_weight_payment": 0}


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    # Its column: empty without data (BlankFloat reads NULL as empty, not 0).
    health_payment = BlankFloat("Payment", digits=(4, 1))

    @api.model
    def _health_factors(self):
        return [*super()._health_factors(), "health_payment"]

    @api.model
    def _health_factor_sql(self, params):
        today = self.env["retention.engine"]._today()
        invoices = SQL(
            """SELECT 1 FROM account_move m
                WHERE m.commercial_partner_id = f.partner_id AND m.company_id = f.company_id
                  AND m.move_type = 'out_invoice' AND m.state = 'posted'"""
        )
        return {
            **super()._health_factor_sql(params),
            "health_payment": SQL(
                """CASE WHEN EXISTS (%(invoices)s AND m.payment_state IN ('not_paid', 'partial')
                                     AND m.invoice_date_due < %(today)s) THEN 0
                        WHEN EXISTS (%(invoices)s) THEN 100 END::numeric""",
                invoices=invoices,
                today=today,
            ),
        }

    def _health_factor_labels(self):
        return {**super()._health_factor_labels(), "health_payment": self.env._("payment")}

    def _health_reason_payment(self, profile, params):
        if not profile.health_payment:  # 0: an invoice past due
            return self.env._("an invoice is unpaid past its due date")
        return self.env._("invoices paid on time")


class RetentionEngine(models.AbstractModel):
    _inherit = "retention.engine"

    @api.model
    def _settings_defaults(self):
        return {**super()._settings_defaults(), **DEFAULTS}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_health_weight_payment = setting_field(
        "health_weight_payment", "Payment Weight", defaults=DEFAULTS
    )
