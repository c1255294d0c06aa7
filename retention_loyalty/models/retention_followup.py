from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


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
    summary = fields.Char(related="step_id.summary")
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
        ],
        default="planned",
        required=True,
        index=True,
    )
    reason = fields.Char(
        readonly=True,
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
