from odoo import fields, models
from odoo.tools import SQL

COMPLIANCE = [
    ("on_time", "Done on time"),
    ("late", "Done late"),
    ("overdue", "Overdue"),
    ("planned", "Planned"),
]


class RetentionComplianceReport(models.Model):
    """Did the reps follow the cadences? Each scheduled follow-up, done on
    time, done late, overdue or still planned."""

    _name = "retention.compliance.report"
    _description = "Cadence Compliance"
    _inherit = "retention.report"
    _auto = False
    _order = "date_deadline desc"
    _depends = {
        "retention.followup": [
            "user_id",
            "cadence_id",
            "partner_id",
            "date_deadline",
            "date_done",
            "state",
            "company_id",
        ],
    }

    user_id = fields.Many2one("res.users", "Rep", readonly=True)
    cadence_id = fields.Many2one("retention.cadence", "Rule", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    date_deadline = fields.Date("Due Date", readonly=True)
    date_done = fields.Date("Done On", readonly=True)
    compliance = fields.Selection(COMPLIANCE, readonly=True)
    followup_count = fields.Integer("Follow-ups", readonly=True)
    on_time_count = fields.Integer(
        "Done on Time", readonly=True, help="How many follow-ups were done by their due date."
    )
    on_time = fields.Integer(
        "On Time (%)", readonly=True, aggregator="avg", help="Average: share done on time."
    )
    days_late = fields.Integer(readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def _select(self):
        return SQL(
            """f.id, 1 AS followup_count, f.user_id, f.cadence_id, f.partner_id,
               f.date_deadline, f.date_done, f.company_id,
               CASE WHEN f.state = 'done' AND f.date_done <= f.date_deadline THEN 'on_time'
                    WHEN f.state = 'done' THEN 'late'
                    WHEN f.date_deadline < CURRENT_DATE THEN 'overdue'
                    ELSE 'planned' END AS compliance,
               -- Only what is done or due counts: planned ones are neither.
               CASE WHEN f.state = 'done' AND f.date_done <= f.date_deadline THEN 100
                    WHEN f.state = 'done' OR f.date_deadline < CURRENT_DATE THEN 0
               END AS on_time,
               CASE WHEN f.state = 'done' AND f.date_done <= f.date_deadline THEN 1 ELSE 0
               END AS on_time_count,
               CASE WHEN f.state = 'done' THEN GREATEST(0, f.date_done - f.date_deadline)
                    WHEN f.date_deadline < CURRENT_DATE THEN CURRENT_DATE - f.date_deadline
               END AS days_late"""
        )

    def _from(self):
        return SQL("retention_followup f")

    def _where(self):
        # The reps' follow-ups: messages sent to customers are not theirs to do.
        return SQL("f.state IN ('planned', 'done')")
