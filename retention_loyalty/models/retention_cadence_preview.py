"""The preview on a rule's form: the activities its next runs would create,
computed by the same queries as the engine."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL, format_date

PREVIEW_DAYS = 30
PREVIEW_ROWS = 100


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    @api.depends(
        "trigger",
        "anchor_field",
        "tier_change",
        "inactivity_days",
        "partner_domain",
        "template_ids",
    )
    def _compute_preview_html(self):
        for cadence in self:
            if not cadence.id or not isinstance(cadence.id, int):
                cadence.preview_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "Save the rule to see the activities it would create."
                )
                continue
            cadence.preview_html = cadence._render_preview(cadence._preview_rows())

    def _render_preview(self, preview):
        rows, total, kinds = preview
        if not rows:
            return Markup("<p class='text-muted'>%s</p>") % self.env._(
                "Nothing to create or send in the next %(days)s days.", days=PREVIEW_DAYS
            )
        # "Activities: 3 · E-mails: 2": no plural to get wrong in any language.
        labels = {
            "activity": self.env._("Activities"),
            "email": self.env._("E-mails"),
            "sms": self.env._("Texts"),
        }
        counts = " · ".join(f"{labels[kind]}: {count}" for kind, count in kinds.items() if count)
        header = Markup("<p>%s</p>") % self.env._(
            "Next %(days)s days: %(counts)s%(shown)s.",
            days=PREVIEW_DAYS,
            counts=counts,
            shown=self.env._(" (first %s shown)", len(rows)) if total > len(rows) else "",
        )
        head = Markup("").join(
            Markup("<th>%s</th>") % label
            for label in (
                self.env._("Date"),
                self.env._("Customer"),
                self.env._("Activity or Message"),
                self.env._("Assigned To or Sent To"),
                self.env._("Source"),
            )
        )
        body = Markup("").join(
            Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % cell for cell in row)
            for row in rows
        )
        return header + Markup(
            "<table class='table table-sm o_retention_preview'><thead><tr>%s</tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (head, body)

    def _preview_rows(self):
        """What the next run(s) would create in the next PREVIEW_DAYS days."""
        self.ensure_one()
        self.env.flush_all()
        today = self._horizon()[0]
        until = today + timedelta(days=PREVIEW_DAYS)
        self.env.cr.execute(
            SQL(
                """%(occurrences)s
SELECT o.date_deadline, o.partner_id, o.step_id, o.res_model, o.res_id, o.doc_user_id,
       count(*) OVER (),
       count(*) FILTER (WHERE t.retention_action IN ('email_customer', 'feedback_request'))
           OVER (),
       count(*) FILTER (WHERE t.retention_action = 'sms_customer') OVER ()
  FROM occurrences o JOIN mail_activity_plan_template t ON t.id = o.step_id
 WHERE %(where)s AND (o.company_id IS NULL OR o.company_id = ANY(%(companies)s))
 ORDER BY o.date_deadline, o.partner_id, o.step_id
 LIMIT %(limit)s""",
                occurrences=self._occurrences_sql(until),
                where=self._new_occurrences_where(today, until, preview=True),
                companies=self.env.companies.ids,
                limit=PREVIEW_ROWS,
            )
        )
        rows = self.env.cr.fetchall()
        partners = self.env["res.partner"].browse([row[1] for row in rows])
        steps = self.env["mail.activity.plan.template"].browse([row[2] for row in rows])
        users = self.env["res.users"].browse([row[5] for row in rows if row[5]])
        partners.mapped("user_id.name")
        users.mapped("name")
        subjects = self._preview_subjects(rows, steps)
        lines = []
        for date, partner_id, step_id, res_model, res_id, doc_user_id, *_totals in rows:
            partner, step = partners.browse(partner_id), steps.browse(step_id)
            user = step._retention_responsible(
                partner.user_id, users.browse(doc_user_id or []), self.fallback_user_id
            )
            target = partner_id if self.res_model == "res.partner" else res_id
            message = {
                "email_customer": self.env._("E-mail: %s", subjects.get((step_id, target), "")),
                "sms_customer": self.env._("Text: %s", step.retention_sms_template_id.name or ""),
                "feedback_request": self.env._("E-mail: feedback request"),
            }.get(step.retention_action)
            # A document the admin may not open (another rep's order) is not named.
            source = self.env[res_model].browse(res_id)._filtered_access("read")
            lines.append(
                (
                    format_date(self.env, date),
                    partner.display_name,
                    message or step.summary or step.activity_type_id.name,
                    self.env._("to %s", partner.display_name) if message else user.name or "",
                    source.display_name if source and res_model != "res.partner" else "",
                )
            )
        total, emails, texts = rows[0][6:9] if rows else (0, 0, 0)
        kinds = {"activity": total - emails - texts, "email": emails, "sms": texts}
        return lines, total, kinds

    def _preview_subjects(self, rows, steps):
        """{(step id, target id): the e-mail's subject as the customer reads
        it}, rendered once per template for all its records."""
        targets = {}
        for _date, partner_id, step_id, _model, res_id, *_rest in rows:
            step = steps.browse(step_id)
            if step.retention_action == "email_customer" and step.retention_mail_template_id:
                target = partner_id if self.res_model == "res.partner" else res_id
                targets.setdefault(step, set()).add(target)
        subjects = {}
        for step, ids in targets.items():
            rendered = step.retention_mail_template_id.sudo()._render_field(
                "subject", list(ids), compute_lang=True
            )
            subjects.update({(step.id, target): text for target, text in rendered.items()})
        return subjects
