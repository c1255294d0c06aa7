from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    retention_feedback = fields.Boolean(
        "Logs Customer Feedback",
        help="Marking such an activity done with a note that starts with a score "
        "(e.g. “9/10 loves the new desks”) logs that score as the customer's feedback.",
    )
