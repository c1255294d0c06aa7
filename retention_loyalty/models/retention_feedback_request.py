import secrets
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv.expression import OR
from odoo.tools import SQL, format_date

# A second click within this window changes the answer instead of adding one.
UPDATE_WINDOW = timedelta(hours=24)
MAX_SUBMISSIONS = 10
MAX_COMMENT_LENGTH = 2000


REQUEST_STATES = [("sent", "Sent"), ("answered", "Answered"), ("expired", "Expired")]


class RetentionFeedbackRequest(models.Model):
    """A question sent to a customer by e-mail: "How likely are you to
    recommend us?", answered on a public page reached through a long random
    token, which expires, answers once and shows nothing but this question."""

    _name = "retention.feedback.request"
    _description = "Feedback Request"
    _order = "date_sent desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
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
        REQUEST_STATES,
        default="sent",
        required=True,
        index=True,
    )
    status = fields.Selection(
        REQUEST_STATES,
        compute="_compute_status",
        search="_search_status",
        help="Expired as soon as the link's expiry date has passed unanswered "
        "(the stored state catches up once a day).",
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

    @api.depends("state", "date_expiry")
    def _compute_status(self):
        now = fields.Datetime.now()
        for feedback_request in self:
            expired = feedback_request.state == "sent" and (
                feedback_request.date_expiry and feedback_request.date_expiry < now
            )
            feedback_request.status = "expired" if expired else feedback_request.state

    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(f"Unsupported operator {operator!r} on the status")
        values = [value] if isinstance(value, str) else list(value or [])
        now = fields.Datetime.now()
        by_status = {
            "sent": [("state", "=", "sent"), ("date_expiry", ">=", now)],
            "answered": [("state", "=", "answered")],
            "expired": [
                "|",
                ("state", "=", "expired"),
                "&",
                ("state", "=", "sent"),
                ("date_expiry", "<", now),
            ],
        }
        domain = OR([by_status[status] for status in values if status in by_status])
        return ["!", *domain] if operator in ("!=", "not in") else domain

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # The status groups and sorts as it reads: expired once past its date.
        if fname != "status":
            return super()._field_to_sql(alias, fname, query, flush)
        return SQL(
            "CASE WHEN %(state)s = 'sent' AND %(expiry)s < %(now)s THEN 'expired' "
            "ELSE %(state)s END",
            state=super()._field_to_sql(alias, "state", query, flush),
            expiry=super()._field_to_sql(alias, "date_expiry", query, flush),
            now=fields.Datetime.now(),
        )

    def _compute_feedback_url(self):
        for feedback_request in self:
            feedback_request.feedback_url = (
                f"{feedback_request.get_base_url()}/retention/feedback/"
                f"{feedback_request.access_token}"
            )

    @api.model
    def _params(self):
        settings = self.env["retention.engine"]._settings()
        return {
            "valid_days": settings["feedback_valid_days"],
            "quiet_days": settings["feedback_quiet_days"],
        }

    @api.model
    def _recent_requests(self, partners, params):
        """{customer id: (date, company id)} of the last request each of these
        partners' customers got during the quiet period, whatever the company."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (commercial_partner_id) commercial_partner_id, date_sent,
                          company_id
                     FROM retention_feedback_request
                    WHERE commercial_partner_id = ANY(%s) AND date_sent >= %s
                 ORDER BY commercial_partner_id, date_sent DESC""",
                partners.commercial_partner_id.ids,
                fields.Datetime.now() - timedelta(days=params["quiet_days"]),
            )
        )
        return {partner_id: (date, company) for partner_id, date, company in self.env.cr.fetchall()}

    @api.model
    def _skip_reasons(self, partners):
        """Why each of these partners gets no request now, in words for the
        user who asked: no e-mail, or the last request and whether another
        company sent it (the quiet period protects the person, across
        companies; that company's records stay out of sight)."""
        params = self._params()
        last = self._recent_requests(partners, params)
        reasons = []
        for partner in partners:
            date, company = last.get(partner.commercial_partner_id.id, (None, None))
            if date:
                values = {
                    "customer": partner.display_name,
                    "date": format_date(self.env, date),
                    "days": params["quiet_days"],
                }
                reasons.append(
                    self.env._(
                        "%(customer)s was asked on %(date)s: one request every %(days)s days "
                        "per customer.",
                        **values,
                    )
                    if company in self.env.companies.ids
                    else self.env._(
                        "%(customer)s was asked on %(date)s by another company: one request "
                        "every %(days)s days per customer, whichever company asks.",
                        **values,
                    )
                )
            elif not partner.email:
                reasons.append(
                    self.env._("%(customer)s has no e-mail address.", customer=partner.display_name)
                )
            elif partner.is_blacklisted:
                reasons.append(
                    self.env._(
                        "%(customer)s unsubscribed from our e-mails.", customer=partner.display_name
                    )
                )
        return reasons

    @api.model
    def _send_to(self, partners, sources=None, force=False):
        """E-mail a feedback request to each partner with an address, except
        those asked during the quiet period (unless `force`). `sources`, when
        given, are the documents behind each request, in the partners' order:
        their company is the request's. Return (requests, skipped partners)."""
        # Requests are created as superuser (their token stays out of reach):
        # only the scheduler and retention users may have them sent.
        if not (self.env.su or self.env.user.has_group("retention_loyalty.group_retention_user")):
            raise AccessError(self.env._("Only Retention users can request customer feedback."))
        params = self._params()
        now = fields.Datetime.now()
        pairs = list(zip(partners, sources or [None] * len(partners), strict=True))
        recent = set()
        if not force and partners:
            recent = set(self._recent_requests(partners, params))
        send, skipped, seen = [], self.env["res.partner"], set()
        for partner, source in pairs:
            commercial = partner.commercial_partner_id.id
            # An address that unsubscribed gets nothing, whoever asks.
            if (
                not partner.email
                or partner.is_blacklisted
                or commercial in recent
                or commercial in seen
            ):
                skipped |= partner
            else:
                seen.add(commercial)
                send.append((partner, source))
        vals_list = []
        for partner, source in send:
            source_company = (
                source.company_id if source and "company_id" in source._fields else None
            )
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "date_expiry": now + timedelta(days=params["valid_days"]),
                    "res_model": source._name if source else False,
                    "res_id": source.id if source else False,
                    "company_id": (source_company or partner.company_id or self.env.company).id,
                    # The customer's salesperson asks, else the user who clicked
                    # (the scheduler's OdooBot signs as the company).
                    "user_id": (
                        partner.commercial_partner_id.user_id
                        or self.env.user.filtered(lambda user: user.id != SUPERUSER_ID)
                    ).id,
                }
            )
        requests = self.sudo().create(vals_list)
        requests._send_mails()
        return requests.with_env(self.env), skipped

    def _send_mails(self):
        """One outgoing e-mail per request, rendered as superuser: the link is
        only in the e-mail sent, never in a message employees can read."""
        mails = []
        render = self.env["ir.qweb"].sudo()
        unsubscribe = self.env["retention.unsubscribe"]
        for feedback_request in self.sudo():
            partner, company = feedback_request.partner_id, feedback_request.company_id
            sender = feedback_request.user_id
            lang_render = render.with_context(lang=partner.lang or self.env.lang)
            url = unsubscribe._url(partner)
            body = lang_render._render(
                "retention_loyalty.feedback_request_email",
                {
                    "partner": partner,
                    "company": company,
                    "sender": sender,
                    "url": feedback_request.feedback_url,
                    "expiry": format_date(lang_render.env, feedback_request.date_expiry.date()),
                },
            )
            mails.append(
                {
                    "subject": lang_render.env._(
                        "%(company)s: how likely are you to recommend us?", company=company.name
                    ),
                    # Like every e-mail to a customer: the company's layout and
                    # the one-click unsubscribe.
                    "body_html": self.env["retention.customer.email"]
                    .with_env(lang_render.env)
                    ._wrap(
                        body,
                        company,
                        sender,
                        unsubscribe.with_env(lang_render.env)._footer(company, url),
                    ),
                    "body": lang_render.env._("Feedback request e-mailed."),
                    "email_from": sender.email_formatted or company.email_formatted,
                    "recipient_ids": [fields.Command.link(partner.id)],
                    "model": self._name,
                    "res_id": feedback_request.id,
                    "headers": repr(unsubscribe._headers(url)),
                    "auto_delete": True,
                    "message_type": "email_outgoing",
                }
            )
        self.env["mail.mail"].sudo().create(mails)

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
                    # The customer answered, through their link: no rep logged it.
                    "user_id": False,
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
