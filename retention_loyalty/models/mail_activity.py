import re

from markupsafe import Markup

from odoo import models
from odoo.tools import html2plaintext, is_html_empty

# "9", "9/10", "9 / 10 - happy": a score from 0 to 10, then the comment.
FEEDBACK_NOTE = re.compile(r"^\s*(10|\d)(?:\s*/\s*10)?(?!\d)[\s:,.;-]*(.*)$", re.DOTALL)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Read before super(): done activities are deleted.
        values = self._retention_feedback_values(feedback)
        followups = self.env["retention.followup"].sudo().search([("activity_id", "in", self.ids)])
        debriefs = self._retention_debriefs(followups, feedback)
        followups._mark_activities(self, "done")
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if values:
            self.env["retention.feedback"].create(values)
        if debriefs:
            self.env["res.partner"].browse(list(debriefs))._message_log_batch(debriefs)
        return result

    def unlink(self):
        self.env["retention.followup"].sudo()._mark_activities(self, "cancelled")
        return super().unlink()

    def _retention_debriefs(self, followups, note):
        """A follow-up done on an order or opportunity: keep the rep's debrief
        on the customer's timeline too, where the loyalty profile is."""
        if not followups or is_html_empty(note):
            return {}
        by_activity = {followup.activity_id: followup for followup in followups}
        debriefs = {}
        for activity in self.filtered(lambda a: a.res_model != "res.partner"):
            followup = by_activity.get(activity)
            if followup:
                record = self.env[activity.res_model].browse(activity.res_id)
                debriefs[followup.partner_id.id] = Markup("<p>%s</p><p>%s</p>") % (
                    self.env._(
                        "%(activity)s done on %(document)s:",
                        activity=activity.summary or activity.activity_type_id.name,
                        document=record.display_name,
                    ),
                    html2plaintext(note),
                )
        return debriefs

    def _retention_feedback_values(self, note):
        match = note and FEEDBACK_NOTE.match(html2plaintext(note))
        if not match:
            return []
        values = []
        for activity in self.filtered("activity_type_id.retention_feedback"):
            record = self.env[activity.res_model].browse(activity.res_id)
            partner = record if activity.res_model == "res.partner" else record["partner_id"]
            if partner:
                values.append(
                    {
                        "partner_id": partner.id,
                        "score": int(match.group(1)),
                        "comment": match.group(2).strip() or False,
                        "channel": "phone"
                        if activity.activity_category == "phonecall"
                        else "meeting",
                        "res_model": activity.res_model,
                        "res_id": activity.res_id,
                    }
                )
        return values
