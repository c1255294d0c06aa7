"""Exit conditions of a rule's messages to customers: a reply, feedback, a
complaint, a meeting booked or a chosen activity done stop the rest of a
sequence. Checked in SQL when occurrences are created, and again before a
held-back message goes out."""

from odoo import api, fields, models
from odoo.tools import SQL


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    exit_on_reply = fields.Boolean(
        "Stop When the Customer Replies",
        default=True,
        help="A reply by e-mail to one of the sequence's messages (or on its document) stops "
        "its next e-mails and texts.",
    )
    reply_warning = fields.Char(
        compute="_compute_reply_warning",
        help="Why the customers' replies cannot come back to Odoo, if they cannot.",
    )
    exit_on_feedback = fields.Boolean(
        "Stop When the Customer Gives Feedback",
        default=True,
        help="An answer to a feedback request (or any feedback logged) stops the sequence's "
        "next e-mails and texts.",
    )
    exit_on_complaint = fields.Boolean(
        "Stop When the Customer Complains",
        default=True,
        help="A complaint stops the sequence's next e-mails and texts.",
    )
    exit_on_meeting = fields.Boolean(
        "Stop When a Meeting Is Booked",
        default=True,
        help="A meeting booked with the customer (in the calendar) stops the sequence's next "
        "e-mails and texts.",
    )
    exit_activity_type_id = fields.Many2one(
        "mail.activity.type",
        "Stop When This Activity Is Done",
        help="An activity of this type marked done on the record (e.g. the onboarding call) "
        "stops the sequence's next e-mails and texts.",
    )

    @api.depends("exit_on_reply", "company_id", "template_ids.retention_action")
    @api.depends_context("lang", "company")
    def _compute_reply_warning(self):
        for cadence in self:
            company = cadence.company_id or self.env.company
            emails = "email_customer" in cadence.template_ids.mapped("retention_action")
            cadence.reply_warning = (
                self.env._(
                    "%(company)s has no alias domain: replies go to %(address)s and stop the "
                    "sequence only if Odoo fetches that mailbox (Settings → Technical → Incoming "
                    "Mail Servers). Set an alias domain in Settings → General Settings → Discuss.",
                    company=company.name,
                    address=company.email or self.env._("the company's address"),
                )
                if emails and cadence.exit_on_reply and not company.alias_domain_id
                else False
            )

    def _exit_sql(self):
        """LATERAL subquery (kind, day) of the first exit event of a source's
        sequence since it started, for customer-facing steps of this rule."""
        return SQL(
            """LEFT JOIN LATERAL (
                   SELECT x.kind, x.day FROM (
                       SELECT 'reply' AS kind, min(m.date)::date AS day
                         FROM mail_message m JOIN res_partner a ON a.id = m.author_id
                        WHERE %(reply)s AND o.facing AND m.message_type = 'email'
                          AND ((m.model = o.res_model AND m.res_id = o.res_id)
                               OR (m.model = 'res.partner' AND m.res_id = o.partner_id))
                          AND a.commercial_partner_id = o.partner_id AND m.date >= o.start_date
                       UNION ALL
                       SELECT 'feedback', min(f.date) FROM retention_feedback f
                        WHERE %(feedback)s AND o.facing AND f.commercial_partner_id = o.partner_id
                          AND f.date >= o.start_date
                          -- The answer that started the sequence does not end it.
                          AND NOT (o.res_model = 'retention.feedback' AND f.id = o.res_id)
                       UNION ALL
                       SELECT 'meeting', min(e.start)::date
                         FROM calendar_event e
                         JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                         JOIN res_partner a ON a.id = r.res_partner_id
                        WHERE %(meeting)s AND o.facing AND e.active
                          AND a.commercial_partner_id = o.partner_id
                          AND e.start >= o.start_date
                       UNION ALL
                       SELECT 'activity', min(m.date)::date FROM mail_message m
                        WHERE %(activity)s::int IS NOT NULL AND o.facing
                          AND m.mail_activity_type_id = %(activity)s
                          AND ((m.model = o.res_model AND m.res_id = o.res_id)
                               OR (m.model = 'res.partner' AND m.res_id = o.partner_id))
                          AND m.date >= o.start_date
                       UNION ALL
                       SELECT 'complaint', min(c.date_reported)::date FROM retention_complaint c
                        WHERE %(complaint)s AND o.facing
                          AND c.commercial_partner_id = o.partner_id
                          AND c.date_reported >= o.start_date
                          AND NOT (o.res_model = 'retention.complaint' AND c.id = o.res_id)
                   ) x WHERE x.day IS NOT NULL ORDER BY x.day LIMIT 1
               ) ex ON true""",
            reply=bool(self.exit_on_reply),
            feedback=bool(self.exit_on_feedback),
            complaint=bool(self.exit_on_complaint),
            meeting=bool(self.exit_on_meeting),
            activity=self.exit_activity_type_id.id or None,
        )
