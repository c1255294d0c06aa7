from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, format_date


class RetentionFollowup(models.Model):
    """The ledger of the cadence engine: one row per step a rule scheduled for
    one trigger. Its unique key makes scheduling idempotent in the database;
    it also tells, per rep, which follow-ups were done and when."""

    _name = "retention.followup"
    _description = "Scheduled Follow-up"
    _order = "date_deadline desc, id desc"

    cadence_id = fields.Many2one(
        "retention.cadence", "Rule", required=True, index=True, ondelete="cascade"
    )
    step_id = fields.Many2one(
        "mail.activity.plan.template", "Step", required=True, ondelete="cascade"
    )
    activity_type_id = fields.Many2one(related="step_id.activity_type_id")
    summary = fields.Char(compute="_compute_summary")
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    res_model = fields.Char("Source Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        "Source Record", model_field="res_model", required=True, readonly=True
    )
    cycle = fields.Date(
        readonly=True, help="For lasting triggers: the date that started this cycle."
    )
    occurrence = fields.Integer(readonly=True, default=0, help="Repetition number of the step.")
    date_deadline = fields.Date("Due Date", required=True, index=True)
    activity_id = fields.Many2one(
        "mail.activity", "Activity", index="btree_not_null", ondelete="set null"
    )
    feedback_request_id = fields.Many2one(
        "retention.feedback.request",
        "Feedback Request",
        index="btree_not_null",
        ondelete="set null",
    )
    user_id = fields.Many2one("res.users", "Assigned To", index=True)
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            # What a customer-facing step (an e-mail, a text) became.
            ("sent", "Sent"),
            ("held", "Held Back"),
            ("skipped", "Skipped"),
            ("stopped", "Stopped"),
            # The customer is in the rule's control group: nothing is done.
            ("held_out", "Held Out"),
        ],
        default="planned",
        required=True,
        index=True,
    )
    # The facts of why a message was held back, skipped or stopped; the words
    # are rendered in the reader's language (`reason`).
    reason_code = fields.Selection(
        [
            ("document_gone", "Document deleted"),
            ("trigger_gone", "Trigger no longer holds"),
            ("no_template", "No template"),
            ("no_email", "No e-mail address"),
            ("no_mobile", "No mobile number"),
            ("opted_out", "Unsubscribed"),
            ("closed_day", "Not a working day"),
            ("complaint_open", "Complaint open"),
            ("weekly_cap", "Weekly message limit"),
            ("reply", "Customer replied"),
            ("feedback", "Customer gave feedback"),
            ("complaint", "Customer complained"),
            ("meeting", "Meeting booked"),
            ("activity", "Activity done"),
        ],
        "Reason Code",
        readonly=True,
    )
    reason_date = fields.Date(readonly=True)
    reason_count = fields.Integer(readonly=True)
    reason = fields.Char(
        compute="_compute_reason",
        help="Why a message to the customer was held back, skipped or stopped, in words "
        "(e.g. stopped: the customer replied on 12 May).",
    )
    mail_message_id = fields.Many2one(
        "mail.message", "Message Sent", index="btree_not_null", ondelete="set null", readonly=True
    )
    sms_id = fields.Many2one(
        "sms.sms", "Text Sent", index="btree_not_null", ondelete="set null", readonly=True
    )
    date_done = fields.Date("Done On", readonly=True)
    company_id = fields.Many2one("res.company", index=True)

    def init(self):
        # The idempotency key: a step happens once per source, cycle and repetition.
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS retention_followup_occurrence_uniq
               ON retention_followup (step_id, res_model, res_id,
                                      COALESCE(cycle, '1970-01-01'::date), occurrence)"""
        )

    @api.depends("step_id.retention_summary", "step_id.summary")
    @api.depends_context("lang")
    def _compute_summary(self):
        for followup in self:
            step = followup.step_id
            followup.summary = step.retention_summary or step.summary

    @api.depends("reason_code", "reason_date", "reason_count", "cadence_id", "step_id")
    @api.depends_context("lang")
    def _compute_reason(self):
        for followup in self:
            followup.reason = followup._reason_text() if followup.reason_code else False

    def _reason_text(self):
        """The reason in the reader's language, from its stored facts (one
        method per code: `_reason_<code>`, so other addons can add theirs)."""
        self.ensure_one()
        when = format_date(self.env, self.reason_date) if self.reason_date else "-"
        return getattr(self, f"_reason_{self.reason_code}")(when)

    def _reason_document_gone(self, when):
        return self.env._("Its document no longer exists.")

    def _reason_trigger_gone(self, when):
        return self.env._("Its trigger no longer holds.")

    def _reason_no_template(self, when):
        if self.step_id.retention_action == "sms_customer":
            return self.env._("The step has no text template for this rule.")
        return self.env._("The step has no e-mail template for this rule.")

    def _reason_no_email(self, when):
        return self.env._("No e-mail address.")

    def _reason_no_mobile(self, when):
        return self.env._("No mobile number.")

    def _reason_opted_out(self, when):
        return self.env._("Opted out: the customer unsubscribed.")

    def _reason_closed_day(self, when):
        return self.env._("Held back: not a working day; goes out on %(date)s.", date=when)

    def _reason_complaint_open(self, when):
        return self.env._("Held back while the customer's complaint is open.")

    def _reason_weekly_cap(self, when):
        # The count in brackets reads right for any number in every language.
        return self.env._(
            "Held back: weekly message limit reached (%(count)s); goes out on %(date)s.",
            count=self.reason_count,
            date=when,
        )

    def _reason_reply(self, when):
        return self.env._("Stopped: the customer replied on %(date)s.", date=when)

    def _reason_feedback(self, when):
        return self.env._("Stopped: the customer gave feedback on %(date)s.", date=when)

    def _reason_complaint(self, when):
        return self.env._("Stopped: the customer complained on %(date)s.", date=when)

    def _reason_meeting(self, when):
        return self.env._("Stopped: a meeting is booked for %(date)s.", date=when)

    def _reason_activity(self, when):
        return self.env._(
            "Stopped: %(activity)s done on %(date)s.",
            activity=self.cadence_id.exit_activity_type_id.name or "-",
            date=when,
        )

    @api.depends("summary", "partner_id")
    def _compute_display_name(self):
        for followup in self:
            followup.display_name = " - ".join(
                filter(None, [followup.summary, followup.partner_id.display_name])
            )

    def _sources(self):
        """{(model, id): record} of the documents that triggered these follow-ups."""
        ids_by_model = defaultdict(set)
        for followup in self:
            ids_by_model[followup.res_model].add(followup.res_id)
        sources = {}
        for model, ids in ids_by_model.items():
            for record in self.env[model].browse(list(ids)).exists():
                sources[model, record.id] = record
        return sources

    @api.model
    def _mark_activities(self, activities, state):
        """A follow-up's activity was done or deleted."""
        if activities:
            self.env.cr.execute(
                SQL(
                    """UPDATE retention_followup SET state = %s, date_done = %s,
                              write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                        WHERE activity_id = ANY(%s) AND state = 'planned'
                    RETURNING partner_id""",
                    state,
                    fields.Date.context_today(self) if state == "done" else None,
                    self.env.uid,
                    activities.ids,
                )
            )
            partner_ids = {row[0] for row in self.env.cr.fetchall()}
            self.invalidate_model(["state", "date_done"])
            # A touch done or dropped moves the customer's follow-up engagement.
            self.env["res.partner"].sudo().browse(partner_ids)._health_refresh()

    def action_open_source(self):
        self.ensure_one()
        return self.env["retention.engine"]._open_document(self.res_model, self.res_id)
