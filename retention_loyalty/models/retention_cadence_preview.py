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
        rows, total = preview
        if not rows:
            return Markup("<p class='text-muted'>%s</p>") % self.env._(
                "No activity to create in the next %(days)s days.", days=PREVIEW_DAYS
            )
        header = Markup("<p>%s</p>") % self.env._(
            "%(count)s activities in the next %(days)s days%(shown)s.",
            count=total,
            days=PREVIEW_DAYS,
            shown=self.env._(" (first %s shown)", len(rows)) if total > len(rows) else "",
        )
        head = Markup("").join(
            Markup("<th>%s</th>") % label
            for label in (
                self.env._("Date"),
                self.env._("Customer"),
                self.env._("Activity"),
                self.env._("Assigned To"),
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
       count(*) OVER ()
  FROM occurrences o
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
        lines = []
        for date, partner_id, step_id, res_model, res_id, doc_user_id, _total in rows:
            partner, step = partners.browse(partner_id), steps.browse(step_id)
            user = step._retention_responsible(
                partner.user_id, users.browse(doc_user_id or []), self.fallback_user_id
            )
            message = {
                "email_customer": (self.env._("E-mail"), step.retention_mail_template_id),
                "sms_customer": (self.env._("Text"), step.retention_sms_template_id),
            }.get(step.retention_action)
            # A document the admin may not open (another rep's order) is not named.
            source = self.env[res_model].browse(res_id)._filtered_access("read")
            lines.append(
                (
                    format_date(self.env, date),
                    partner.display_name,
                    # A message to the customer names its template; the customer gets it.
                    f"{message[0]}: {message[1].name or ''}"
                    if message
                    else step.summary or step.activity_type_id.name,
                    partner.display_name if message else user.name or "",
                    source.display_name if source and res_model != "res.partner" else "",
                )
            )
        return lines, rows[0][6] if rows else 0
