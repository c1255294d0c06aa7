from odoo import fields, models


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    # A cadence rule is an activity plan with a trigger (retention.cadence _inherits it).
    # Archived rules too: their steps are checked and guarded the same way.
    retention_cadence_ids = fields.One2many(
        "retention.cadence", "plan_id", "Cadence Rules", context={"active_test": False}
    )

    def write(self, vals):
        self.env["mail.activity.plan.template"]._check_cadence_rights(self)
        return super().write(vals)

    def unlink(self):
        self.env["mail.activity.plan.template"]._check_cadence_rights(self)
        return super().unlink()
