import re
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import html2plaintext, is_html_empty

# "9", "9/10", "9 / 10 - happy": a score from 0 to 10, then the comment.
FEEDBACK_NOTE = re.compile(r"^\s*(10|\d)(?:\s*/\s*10)?(?!\d)[\s:,.;-]*(.*)$", re.DOTALL)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Read before super(): done activities are deleted. A rep may mark done
        # an activity on a document they cannot read: read it as superuser.
        values = self._retention_feedback_values(feedback)
        followups = self.env["retention.followup"].sudo().search([("activity_id", "in", self.ids)])
        debriefs = self._retention_debriefs(followups, feedback)
        # Those a closed account review marked done already count as that review.
        reviewed = followups.filtered(
            lambda f: f.state == "planned" and f.cadence_id.trigger == "review"
        )
        followups._mark_activities(self, "done")
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if values:
            self.env["retention.feedback"].sudo().create(values)
        if debriefs:
            self.env["res.partner"].sudo().browse(list(debriefs))._message_log_batch(debriefs)
        # A review activity done counts as the review (the next one gets scheduled),
        # whether or not the rep filled in an account review.
        if reviewed:
            today = fields.Date.context_today(self)
            for company, done in reviewed.grouped("company_id").items():
                done.partner_id.sudo().with_company(company or self.env.company).write(
                    {"last_review_date": today}
                )
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
        lines = defaultdict(list)
        for activity in self.filtered(lambda a: a.res_model != "res.partner"):
            followup = by_activity.get(activity)
            if followup:
                lines[followup.partner_id.id].append(
                    Markup("<p>%s</p>")
                    % self.env._(
                        "%(activity)s done on %(document)s:",
                        activity=activity.summary or activity.activity_type_id.name,
                        document=activity.res_name,
                    )
                )
        text = Markup("<p>%s</p>") % html2plaintext(note)
        return {partner_id: Markup("").join(heads) + text for partner_id, heads in lines.items()}

    def _retention_feedback_values(self, note):
        match = note and FEEDBACK_NOTE.match(html2plaintext(note))
        if not match:
            return []
        values = []
        for activity in self.filtered("activity_type_id.retention_feedback"):
            record = self.env[activity.res_model].sudo().browse(activity.res_id)
            partner = self.env["retention.engine"]._customer_of(record)
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
                        # The document's company, not the rep's current one.
                        "company_id": (
                            ("company_id" in record and record.company_id) or self.env.company
                        ).id,
                    }
                )
        return values
