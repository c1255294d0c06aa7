from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .blank_fields import BlankFloat, BlankInteger
from .retention_feedback import check_effort_score, check_past_date
from .retention_numbers import check_numbers

COMPLAINT_STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("new", "in_progress")


class RetentionComplaint(models.Model):
    """A customer's complaint: collected in one place, classified, owned by
    someone, resolved fast, and measured (time, effort) so both the service and
    the product improve."""

    _name = "retention.complaint"
    _description = "Complaint"
    _inherit = ["mail.thread.cc", "mail.activity.mixin"]
    _order = "priority desc, date_reported desc, id desc"
    _check_company_auto = True

    name = fields.Char("Subject", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", "Customer", index=True, tracking=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer Company",
    )
    email_from = fields.Char("Email", help="Who complained, when no customer is known yet.")
    category_id = fields.Many2one(
        "retention.complaint.category", "Category", index=True, tracking=True
    )
    kind = fields.Selection(related="category_id.kind", store=True, string="Product or Service")
    product_id = fields.Many2one("product.product", "Product", index="btree_not_null")
    sale_order_id = fields.Many2one("sale.order", "Sale Order", index="btree_not_null")
    description = fields.Html()
    state = fields.Selection(
        COMPLAINT_STATES,
        default="new",
        required=True,
        tracking=True,
        index=True,
        group_expand="_group_expand_state",
    )
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        tracking=True,
        index=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
    )
    date_reported = fields.Datetime(
        "Reported On",
        required=True,
        default=fields.Datetime.now,
        help="When the customer complained (backdate it when logging a call afterwards).",
    )
    date_deadline = fields.Datetime(
        "Resolve By",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        help="The report date plus the resolution target of the Settings, in working hours "
        "of the company's calendar (closed days and public holidays do not count).",
    )
    resolution = fields.Html()
    date_resolved = fields.Datetime("Resolved On", readonly=True, copy=False)
    # Empty until resolved: averages and medians count resolved complaints only.
    resolution_hours = BlankFloat(
        "Resolution Time (hours)",
        compute="_compute_resolution",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    resolved_on_time = BlankInteger(
        "Resolved On Time (%)",
        compute="_compute_resolution",
        store=True,
        aggregator="avg",
        help="100 when resolved by the deadline, else 0: its average is the share on time.",
    )
    effort_before = BlankFloat(
        "Effort Before",
        digits=(3, 1),
        readonly=True,
        aggregator="avg",
        help="The customer's effort score when they complained.",
    )
    effort_score = BlankInteger(
        "Effort After",
        aggregator="avg",
        help="After the resolution: how easy was it to get it solved, from 1 (very hard) "
        "to 7 (very easy).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    color = fields.Integer()

    _sql_constraints = [
        (
            "effort_range",
            "CHECK(effort_score IS NULL OR effort_score BETWEEN 0 AND 7)",
            "The effort score goes from 1 to 7.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_user_id(self):
        for complaint in self:
            if not complaint.user_id:
                complaint.user_id = complaint.partner_id.commercial_partner_id.user_id

    @api.depends("date_reported", "company_id")
    def _compute_date_deadline(self):
        """Working hours of the company's calendar, as Odoo's SLAs count: a
        complaint logged on Friday evening is not late on Sunday."""
        hours = self._target_hours()
        for complaint in self:
            start = complaint.date_reported or fields.Datetime.now()
            calendar = complaint.company_id.resource_calendar_id
            deadline = calendar and calendar.plan_hours(hours, start, compute_leaves=True)
            complaint.date_deadline = deadline or start + timedelta(hours=hours)

    @api.depends("date_resolved", "date_deadline", "state")
    def _compute_resolution(self):
        for complaint in self:
            if complaint.state == "resolved" and complaint.date_resolved:
                start = min(
                    complaint.date_reported or complaint.date_resolved, complaint.date_resolved
                )
                delta = complaint.date_resolved - start
                complaint.resolution_hours = delta.total_seconds() / 3600
                on_time = not complaint.date_deadline or (
                    complaint.date_resolved <= complaint.date_deadline
                )
                complaint.resolved_on_time = 100 if on_time else 0
            else:
                complaint.resolution_hours = False
                complaint.resolved_on_time = False

    @api.model
    def _group_expand_state(self, states, domain):
        return [key for key, _label in COMPLAINT_STATES]

    @api.model
    def _target_hours(self):
        return self.env["retention.engine"]._setting("complaint_target_hours")

    @api.constrains("effort_score")
    def _check_effort_score(self):
        for complaint in self:
            check_effort_score(self.env, complaint.effort_score)

    def _check_report_date(self, vals):
        if vals.get("date_reported"):
            reported = fields.Datetime.to_datetime(vals["date_reported"])
            check_past_date(self.env, reported, self.env._("The report date"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals)
            self._check_report_date(vals)
        # The customer's effort score before, in the complaint's company: the
        # profiles of one company are read together.
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("partner_id") and "effort_before" not in vals:
                by_company[vals.get("company_id") or self.env.company.id].append(vals)
        for company_id, company_vals in by_company.items():
            customers = (
                self.env["res.partner"]
                .with_company(company_id)
                .browse([vals["partner_id"] for vals in company_vals])
            )
            for vals, customer in zip(company_vals, customers, strict=True):
                vals["effort_before"] = customer.commercial_partner_id.effort_score
        complaints = super().create(vals_list)
        # A new complaint is a recovery chance: the cadence engine schedules the call.
        self.env["retention.cadence"]._trigger_scheduling()
        complaints.commercial_partner_id._health_refresh()
        return complaints

    def write(self, vals):
        check_numbers(self, vals)
        self._check_report_date(vals)
        # The resolution time is measured, never typed: set by the state only.
        if "date_resolved" in vals and not self.env.su:
            raise UserError(
                self.env._("The resolution date is set when the complaint is resolved.")
            )
        if vals.get("state") == "resolved":
            # Whatever the path (button, kanban drag, import, RPC).
            self._check_resolvable(vals)
            vals = {**vals, "date_resolved": fields.Datetime.now()}
        elif "state" in vals:
            vals = {**vals, "date_resolved": False}
        # What moves the customers' health (the one before a change of customer too).
        rescore = vals.keys() & {"state", "partner_id", "date_reported", "company_id"}
        before = self.commercial_partner_id if rescore else self.env["res.partner"]
        result = super().write(vals)
        if "state" in vals:
            self.env["retention.cadence"]._trigger_scheduling()
        if rescore:
            (before | self.commercial_partner_id)._health_refresh()
        return result

    @api.model
    def _action_log(self, defaults):
        """The form of a new complaint, prefilled (from a customer or an order)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Complaint"),
            "res_model": self._name,
            "view_mode": "form",
            "context": {f"default_{field}": value for field, value in defaults.items()},
        }

    def _check_resolvable(self, vals):
        for complaint in self:
            if complaint.state not in OPEN_STATES:
                raise UserError(self.env._("“%(name)s” is not open.", name=complaint.display_name))
            resolution = vals["resolution"] if "resolution" in vals else complaint.resolution
            if not html2plaintext(resolution or "").strip():
                raise UserError(
                    self.env._(
                        "Describe the resolution of “%(name)s” before closing it: it is "
                        "what the next rep and the product team will read.",
                        name=complaint.display_name,
                    )
                )

    def action_start(self):
        self.filtered(lambda c: c.state == "new").write({"state": "in_progress"})
        return True

    def action_resolve(self):
        self.write({"state": "resolved"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reopen(self):
        self.write({"state": "in_progress"})
        return True

    # -- mail gateway: e-mails to the complaints alias ---------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        values = {
            "name": msg_dict.get("subject") or self.env._("Complaint by e-mail"),
            "email_from": msg_dict.get("from"),
            "partner_id": author.id or False,
            "description": msg_dict.get("body"),
            **(custom_values or {}),
        }
        if author.company_id:
            values.setdefault("company_id", author.company_id.id)
        return super().message_new(msg_dict, custom_values=values)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Customer")
            )
        return recipients
