"""Customer-facing step kinds: e-mail or text the customer, on the step's day.

Both go through one gate: the weekly limit of messages per customer (across
rules, companies and feedback requests: the person is the same), the
company's working days, no promotion while the customer's complaint is open,
and the opt-out lists (mail.blacklist, phone.blacklist). What the gate holds
back waits in the ledger ("held") until its next allowed day; what it refuses
is "skipped" with its reason. Nothing is dropped silently. A rule's exit
conditions (a reply, an answer, a complaint...) stop the rest of a sequence:
see retention_cadence_exits.py."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    def _step_email_customer_traits(self):
        return {"ahead": False, "customer_facing": True}

    def _step_sms_customer_traits(self):
        return {"ahead": False, "customer_facing": True}

    # -- the gate -----------------------------------------------------------------

    def _recipient(self, followup, sources):
        """Who gets the message: the source document's contact, else the customer."""
        source = sources.get((followup.res_model, followup.res_id))
        contact = self.env["retention.engine"]._customer_of(source) if source else None
        return contact or followup.partner_id

    def _touches_this_week(self, partner_ids, today):
        """{customer id: [dates]} of the messages each got in the last 7 days:
        cadence e-mails and texts, and feedback requests, from any company."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT partner_id, date_done FROM retention_followup
                    WHERE state = 'sent' AND partner_id = ANY(%(ids)s) AND date_done > %(since)s
                    UNION ALL
                   SELECT commercial_partner_id, (date_sent AT TIME ZONE 'UTC')::date
                     FROM retention_feedback_request
                    WHERE commercial_partner_id = ANY(%(ids)s) AND date_sent >= %(from)s""",
                ids=list(partner_ids),
                since=today - timedelta(days=7),
                # The 7 days end today: a message of a week ago today is out.
                **{"from": datetime.combine(today - timedelta(days=6), time.min)},
            )
        )
        touches = {}
        for partner_id, day in self.env.cr.fetchall():
            touches.setdefault(partner_id, []).append(day)
        return touches

    def _touch_gate(self, followups, channel, sources):
        """The follow-ups that may be sent now; the others are held back
        (with the day they may go) or skipped, with their reason."""
        gone = followups.filtered(lambda f: (f.res_model, f.res_id) not in sources)
        if gone:
            gone.write({"state": "cancelled", "reason_code": "document_gone"})
            followups -= gone
        today = fields.Date.context_today(self)
        cap = self.env["retention.engine"]._setting("touch_cap_per_week")
        customers = followups.partner_id
        touches = self._touches_this_week(customers.ids, today)
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT commercial_partner_id FROM retention_complaint
                    WHERE state IN ('new', 'in_progress') AND commercial_partner_id = ANY(%s)""",
                customers.ids,
            )
        )
        complaining = {row[0] for row in self.env.cr.fetchall()}
        closed = {
            (company, day): following for company, day, following in self._closed_days(today, today)
        }
        send, decisions = [], []
        for followup in followups.sorted("id"):
            recipient = self._recipient(followup, sources)
            customer = followup.partner_id.id
            company = followup.company_id.id
            if channel == "email" and not recipient.email_normalized:
                decisions.append((followup, "skipped", None, "no_email", 0))
            elif channel == "sms" and not recipient.phone_sanitized:
                decisions.append((followup, "skipped", None, "no_mobile", 0))
            elif (channel == "email" and recipient.is_blacklisted) or (
                channel == "sms" and recipient.phone_sanitized_blacklisted
            ):
                decisions.append((followup, "skipped", None, "opted_out", 0))
            elif (company, today) in closed:
                decisions.append((followup, "held", closed[company, today], "closed_day", 0))
            elif customer in complaining:
                decisions.append((followup, "held", today + timedelta(days=1), "complaint_open", 0))
            elif len(touches.get(customer, [])) >= cap:
                day = min(touches[customer]) + timedelta(days=7)
                decisions.append((followup, "held", day, "weekly_cap", len(touches[customer])))
            else:
                touches.setdefault(customer, []).append(today)
                send.append(followup)
        if decisions:
            self.env.cr.execute(
                SQL(
                    """UPDATE retention_followup f
                          SET state = v.state, reason_code = v.code, reason_date = v.day,
                              reason_count = v.count,
                              date_deadline = COALESCE(v.day, f.date_deadline)
                         FROM unnest(%s::int[], %s::varchar[], %s::date[], %s::varchar[],
                                     %s::int[])
                              AS v(id, state, day, code, count)
                        WHERE f.id = v.id""",
                    *(list(column) for column in zip(*((d[0].id, *d[1:]) for d in decisions))),
                )
            )
            followups.invalidate_recordset(
                ["state", "reason_code", "reason_date", "reason_count", "date_deadline"]
            )
        return followups.browse([f.id for f in send])

    def _mark_sent(self, followups, messages=None, texts=None):
        self.env.cr.execute(
            SQL(
                """UPDATE retention_followup f
                      SET state = 'sent', reason_code = NULL, reason_date = NULL,
                          reason_count = NULL, date_done = %s,
                          mail_message_id = v.message_id, sms_id = v.sms_id
                     FROM unnest(%s::int[], %s::int[], %s::int[]) AS v(id, message_id, sms_id)
                    WHERE f.id = v.id""",
                fields.Date.context_today(self),
                followups.ids,
                messages or [None] * len(followups),
                texts or [None] * len(followups),
            )
        )
        followups.invalidate_recordset(
            [
                "state",
                "reason_code",
                "reason_date",
                "reason_count",
                "date_done",
                "mail_message_id",
                "sms_id",
            ]
        )

    def _by_template(self, followups, field):
        """(template, follow-ups, {follow-up id: target id}) per step; steps
        without a template of the rule's record are skipped."""
        for step, group in followups.grouped("step_id").items():
            template = step[field]
            if not template or template.model != self.res_model:
                group.write({"state": "skipped", "reason_code": "no_template"})
                continue
            yield template, group, self._target_ids(group)

    # -- step kind: e-mail the customer -------------------------------------------

    def _step_email_customer(self, followups):
        """One e-mail per follow-up from the step's template, rendered in one
        batch per language, sent from the customer's salesperson, threaded on
        the record the rule works on (a reply lands in its chatter), with a
        one-click unsubscribe (RFC 8058 headers and a footer link)."""
        sources = followups._sources()
        followups = self._touch_gate(followups, "email", sources)
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        for template, group, targets in self._by_template(
            followups,
            "retention_mail_template_id",
        ):
            # Rendered in each follow-up's company: the customer's tier, figures
            # and perks there (a customer shared by two companies has two).
            rendered = {}
            memo = {}  # the body compiled once for the batch (ir_qweb.py)
            for company, there in group.grouped("company_id").items():
                ids = list({targets[f.id] for f in there})
                engine = (
                    template.sudo()
                    .with_company(company or self.env.company)
                    .with_context(retention_qweb_memo=memo)
                )
                rendered[company] = engine._generate_template(
                    ids, ("subject", "body_html", "email_from", "lang")
                )
            # Replies come back to the record: its reply-to, for all at once
            # (mail.message would look each one up alone).
            reply_to = (
                self.env[self.res_model]
                .sudo()
                .browse(list(set(targets.values())))
                ._notify_get_reply_to(default=self.env.company.email_formatted)
            )
            mails = []
            unsubscribe = self.env["retention.unsubscribe"]
            for followup in group:
                values = rendered[followup.company_id][targets[followup.id]]
                recipient = self._recipient(followup, sources)
                sender = followup.partner_id.user_id or self.fallback_user_id
                url = unsubscribe._url(recipient)
                lang = values.get("lang") or recipient.lang
                footer = unsubscribe.with_context(lang=lang)._footer(followup.company_id, url)
                mails.append(
                    {
                        "subject": values.get("subject"),
                        "body_html": self.env["retention.customer.email"]
                        .with_context(lang=lang)
                        ._wrap(values.get("body_html"), followup.company_id, sender, footer),
                        # What the customer got stays readable in the chatter.
                        "body": Markup(values.get("body_html") or ""),
                        "email_from": sender.email_formatted
                        or values.get("email_from")
                        or followup.company_id.email_formatted,
                        "author_id": sender.partner_id.id or followup.company_id.partner_id.id,
                        "reply_to": reply_to.get(targets[followup.id]),
                        "recipient_ids": [fields.Command.link(recipient.id)],
                        "model": self.res_model,
                        "res_id": targets[followup.id],
                        "message_type": "comment",
                        "subtype_id": comment,
                        "headers": repr(unsubscribe._headers(url)),
                        # The outgoing mail goes once sent; its message stays on
                        # the document (Odoo deletes the message of a mail that
                        # is no notification): the customer's reply, which
                        # answers that message, finds its thread.
                        "auto_delete": True,
                        "is_notification": True,
                    }
                )
            created = self.env["mail.mail"].sudo().create(mails)
            self._notify_recipients(created)
            self._mark_sent(group, messages=created.mail_message_id.ids)

    def _notify_recipients(self, mails):
        """The e-mail notifications of these mails, as message_post makes them:
        the chatter shows each e-mail's delivery (sent, bounced)."""
        self.env["mail.notification"].sudo().create(
            [
                {
                    "mail_message_id": mail.mail_message_id.id,
                    "mail_mail_id": mail.id,
                    "res_partner_id": partner.id,
                    "notification_type": "email",
                    "notification_status": "ready",
                    "is_read": True,
                }
                for mail in mails
                for partner in mail.recipient_ids
            ]
        )

    # -- step kind: text the customer ---------------------------------------------

    def _step_sms_customer(self, followups):
        """One text per follow-up from the step's SMS template (in the
        customer's language), queued in Odoo's SMS queue (IAP sends it)."""
        sources = followups._sources()
        followups = self._touch_gate(followups, "sms", sources)
        for template, group, targets in self._by_template(
            followups,
            "retention_sms_template_id",
        ):
            bodies = template.sudo()._render_field(
                "body", list(set(targets.values())), compute_lang=True
            )
            texts = (
                self.env["sms.sms"]
                .sudo()
                .create(
                    [
                        {
                            "number": self._recipient(f, sources).phone_sanitized,
                            "partner_id": self._recipient(f, sources).id,
                            "body": bodies[targets[f.id]],
                            "state": "outgoing",
                        }
                        for f in group
                    ]
                )
            )
            self._mark_sent(group, texts=texts.ids)

    def _send_held(self):
        """Held-back messages whose day has come go through the gate again,
        unless the sequence met an exit condition meanwhile (reconciliation
        has already cancelled those whose trigger no longer holds)."""
        today = fields.Date.context_today(self)
        held = self.env["retention.followup"].search(
            [("cadence_id", "=", self.id), ("state", "=", "held"), ("date_deadline", "<=", today)]
        )
        if not held:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT o.id, ex.kind, ex.day
                     FROM (SELECT f.id, true AS facing, f.res_model, f.res_id, f.partner_id,
                                  f.create_date::date AS start_date
                             FROM retention_followup f WHERE f.id = ANY(%s)) o
                   %s
                    WHERE ex.kind IS NOT NULL""",
                held.ids,
                self._exit_sql(),
            )
        )
        stopped = self.env.cr.fetchall()
        by_reason = defaultdict(list)
        for followup_id, kind, day in stopped:
            by_reason[kind, day].append(followup_id)
        for (kind, day), ids in by_reason.items():
            held.browse(ids).write({"state": "stopped", "reason_code": kind, "reason_date": day})
        self._run_step_kinds(held - held.browse([row[0] for row in stopped]))
        return len(held)
