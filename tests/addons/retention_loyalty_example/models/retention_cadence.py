from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    # 1. A trigger: a selection value...
    trigger = fields.Selection(
        selection_add=[("new_customer", "New customer")], ondelete={"new_customer": "cascade"}
    )

    # ...what the engine must know about it (optional: these are the defaults
    # but for the anchor, which is the day the customer was created)...
    def _trigger_new_customer_traits(self):
        return {"source": "res.partner", "event": True}

    # ...and its sources: one row per customer created in the window.
    def _trigger_new_customer_sources(self, window):
        created = window.day(SQL("p.create_date"))
        return SQL(
            """SELECT %(row)s
                 FROM res_partner p
                WHERE p.active AND p.is_company AND %(scope)s""",
            # The columns by name (window.row puts them in the engine's order).
            row=window.row(
                SQL("p.id"),
                "res.partner",
                SQL("p.id"),
                start_date=created,
                anchor_date=created,
                company_id=SQL(
                    "COALESCE(p.company_id, %s)", self.company_id.id or self.env.company.id
                ),
                doc_user_id=SQL("p.user_id"),
            ),
            scope=window.scope(SQL("p.id"), window.between(SQL("p.create_date"))),
        )

    # 2. A step kind: its method receives the new follow-ups of its steps.
    def _step_welcome_note(self, followups):
        for followup in followups:
            followup.partner_id.message_post(
                body=Markup("<p>%s</p>") % (followup.summary or "Welcome"),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        followups.write({"state": "done", "date_done": fields.Date.context_today(self)})

    def _step_welcome_note_traits(self):
        return {"ahead": False}  # on its day, not ahead like an activity


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    retention_action = fields.Selection(
        selection_add=[("welcome_note", "Log a welcome note")],
        ondelete={"welcome_note": "set default"},
    )
