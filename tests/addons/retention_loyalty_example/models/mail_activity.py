from odoo import api, fields, models


class MailActivity(models.Model):
    """What addons such as OCA's mail_activity_team do: extend create."""

    _inherit = "mail.activity"

    example_checked = fields.Boolean()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["example_checked"] = True
        return super().create(vals_list)
