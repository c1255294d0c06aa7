from odoo import fields, models


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    # A cadence rule is an activity plan with a trigger (retention.cadence _inherits it).
    retention_cadence_ids = fields.One2many("retention.cadence", "plan_id", "Cadence Rules")
