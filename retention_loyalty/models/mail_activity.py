import re

from odoo import models
from odoo.tools import html2plaintext

# "9", "9/10", "9 / 10 - happy": a score from 0 to 10, then the comment.
FEEDBACK_NOTE = re.compile(r"^\s*(10|\d)(?:\s*/\s*10)?(?!\d)[\s:,.;-]*(.*)$", re.DOTALL)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Read before super(): done activities are deleted.
        values = self._retention_feedback_values(feedback)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if values:
            self.env["retention.feedback"].create(values)
        return result

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
