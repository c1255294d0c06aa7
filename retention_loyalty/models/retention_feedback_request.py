import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DEFAULT_VALID_DAYS = 14
DEFAULT_QUIET_DAYS = 30
# A second click within this window changes the answer instead of adding one.
UPDATE_WINDOW = timedelta(hours=24)
MAX_SUBMISSIONS = 10
MAX_COMMENT_LENGTH = 2000


class RetentionFeedbackRequest(models.Model):
    """A question sent to a customer by e-mail: "How likely are you to
    recommend us?", answered on a public page reached through a long random
    token, which expires, answers once and shows nothing but this question."""

    _name = "retention.feedback.request"
    _description = "Feedback Request"
    _order = "date_sent desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    access_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
    )
    state = fields.Selection(
        [("sent", "Sent"), ("answered", "Answered"), ("expired", "Expired")],
        default="sent",
        required=True,
        index=True,
    )
    date_sent = fields.Datetime("Sent On", default=fields.Datetime.now, readonly=True)
    date_expiry = fields.Datetime("Expires On", required=True, readonly=True)
    date_answered = fields.Datetime("Answered On", readonly=True)
    submission_count = fields.Integer(readonly=True)
    ask_effort = fields.Boolean("Ask Customer Effort", default=True)
    feedback_url = fields.Char(
        compute="_compute_feedback_url", groups="base.group_system", help="The customer's link."
    )
    feedback_id = fields.Many2one(
        "retention.feedback", "Answer", readonly=True, ondelete="set null"
    )
    score = fields.Integer(related="feedback_id.score")
    user_id = fields.Many2one(
        "res.users", "Requested By", default=lambda self: self.env.user, index=True
    )
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        ("access_token_unique", "UNIQUE(access_token)", "A feedback link is unique."),
    ]

    def _compute_feedback_url(self):
        for feedback_request in self:
            feedback_request.feedback_url = (
                f"{feedback_request.get_base_url()}/retention/feedback/"
                f"{feedback_request.access_token}"
            )

    @api.model
    def _params(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        return {
            "valid_days": int(get("retention_loyalty.feedback_valid_days", DEFAULT_VALID_DAYS)),
            "quiet_days": int(get("retention_loyalty.feedback_quiet_days", DEFAULT_QUIET_DAYS)),
        }

    @api.model
    def _send_to(self, partners, sources=None, force=False):
        """E-mail a feedback request to each partner with an address, except
        those asked during the quiet period (unless `force`). `sources`, when
        given, are the documents behind each request, in the partners' order.
        Return (requests, skipped partners)."""
        params = self._params()
        now = fields.Datetime.now()
        pairs = list(zip(partners, sources or [None] * len(partners), strict=True))
        recent = set()
        if not force and partners:
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT commercial_partner_id FROM retention_feedback_request
                        WHERE commercial_partner_id = ANY(%s) AND date_sent >= %s""",
                    partners.commercial_partner_id.ids,
                    now - timedelta(days=params["quiet_days"]),
                )
            )
            recent = {row[0] for row in self.env.cr.fetchall()}
        send, skipped, seen = [], self.env["res.partner"], set()
        for partner, source in pairs:
            commercial = partner.commercial_partner_id.id
            if not partner.email or commercial in recent or commercial in seen:
                skipped |= partner
            else:
                seen.add(commercial)
                send.append((partner, source))
        requests = self.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "date_expiry": now + timedelta(days=params["valid_days"]),
                    "res_model": source._name if source else False,
                    "res_id": source.id if source else False,
                    "company_id": (partner.company_id or self.env.company).id,
                    "user_id": self.env.user.id,
                }
                for partner, source in send
            ]
        )
        if requests:
            template = self.env.ref("retention_loyalty.mail_template_feedback_request")
            template.sudo().send_mail_batch(requests.ids)
        return requests, skipped

    def _check_answerable(self):
        """The state of this request for the public page: 'ok', 'expired' or
        'answered' (its single answer can no longer change)."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.state == "expired" or (self.state == "sent" and self.date_expiry < now):
            return "expired"
        if self.state == "answered" and (
            now - self.date_answered > UPDATE_WINDOW or self.submission_count >= MAX_SUBMISSIONS
        ):
            return "answered"
        return "ok"

    def _record_answer(self, score, effort=None, comment=None):
        """Create the customer's answer, or change it within the update window."""
        self.ensure_one()
        if self._check_answerable() != "ok":
            raise UserError(self.env._("This feedback link can no longer be used."))
        values = {"score": score}
        if effort is not None:
            values["effort_score"] = effort
        if comment is not None:
            values["comment"] = comment[:MAX_COMMENT_LENGTH] or False
        if self.feedback_id:
            self.feedback_id.write(values)
        else:
            self.feedback_id = self.env["retention.feedback"].create(
                {
                    **values,
                    "partner_id": self.partner_id.id,
                    "channel": "email",
                    "user_id": self.user_id.id,
                    "company_id": self.company_id.id,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
            self.date_answered = fields.Datetime.now()
        self.write({"state": "answered", "submission_count": self.submission_count + 1})
        return self.feedback_id

    @api.autovacuum
    def _gc_expire_requests(self):
        self.search(
            [("state", "=", "sent"), ("date_expiry", "<", fields.Datetime.now())]
        ).state = "expired"
