"""Writers: the ledger insert, then what each step kind does with its new
follow-ups. A step kind `x` is a value of the step's `retention_action`
selection and a method `_step_x(followups)` (optionally `_step_x_traits()`),
found by name as the triggers are; another addon adds one the same way.

Activities go through `mail.activity.create`, in batches and quietly, so
whatever another addon adds there (a team, a company's own rules) applies to
the engine's activities too."""

import re
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

QUIET = {
    "mail_activity_quick_update": True,  # no "you have been assigned" e-mail per activity
    "mail_auto_subscribe_no_notify": True,
    "tracking_disable": True,
}
DEFAULT_STEP_TRAITS = {
    # Created ahead (within the scheduling horizon) rather than on its day.
    "ahead": True,
    # Writes to the customer: the rule's exit conditions stop it.
    "customer_facing": False,
}
# Source documents an activity on the customer links to ("About: S00042").
LINKED_SOURCES = ("sale.order", "crm.lead", "account.move", "pos.order")
PLACEHOLDER = re.compile(r"\{\{\s*object((?:\.\w+)+)\s*\}\}")


def fill_placeholders(note, record):
    """{{ object.partner_id.name }} -> the value of that field path, escaped.
    Only field names are followed: no method call, no code (notes are written
    by retention admins, not by template editors)."""

    def value(match):
        current = record
        for name in match.group(1).split(".")[1:]:
            field = current._fields.get(name) if isinstance(current, models.BaseModel) else None
            # Restricted fields and lists of records stay unrendered.
            if not field or field.groups or field.type in ("one2many", "many2many"):
                return match.group(0)
            current = current[:1][name]
        if isinstance(current, models.BaseModel):
            current = ", ".join(current.mapped("display_name"))
        return escape("" if current is False or current is None else str(current))

    return Markup(PLACEHOLDER.sub(value, str(note)))


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    def _target_ids(self, followups):
        """{follow-up id: id of the record the rule works on}: the customer,
        or the source document itself."""
        if self.res_model == "res.partner":
            return {f.id: f.partner_id.id for f in followups}
        return {f.id: f.res_id for f in followups}

    def _step_kind_traits(self, kind):
        method = getattr(self, f"_step_{kind}_traits", None)
        return {**DEFAULT_STEP_TRAITS, **(method() if method else {})}

    def _create_followups(self, occurrences):
        """Insert these follow-ups in the ledger, then hand them to their
        step kinds; return how many. ON CONFLICT: another run inserted the same
        ones first, they are skipped."""
        self.ensure_one()
        if not occurrences:
            return 0
        columns = list(zip(*occurrences, strict=True))
        self.env.cr.execute(
            SQL(
                """INSERT INTO retention_followup (cadence_id, step_id, partner_id, res_model,
                                                  res_id, cycle, occurrence, date_deadline,
                                                  state, reason_code, reason_date, company_id,
                                                  create_uid, write_uid, create_date,
                                                  write_date)
                   SELECT %(cadence)s, v.step_id, v.partner_id, v.res_model, v.res_id, v.cycle,
                          v.occurrence, v.date_deadline,
                          CASE WHEN %(held_out)s THEN 'held_out'
                               WHEN v.reason IS NULL THEN 'planned' ELSE 'stopped' END,
                          CASE WHEN %(held_out)s THEN NULL ELSE v.reason END,
                          CASE WHEN v.reason IS NULL OR %(held_out)s THEN NULL
                               ELSE v.reason_date END,
                          COALESCE(v.company_id, %(company)s), %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(steps)s::int[], %(partners)s::int[], %(models)s::varchar[],
                                 %(res_ids)s::int[], %(cycles)s::date[], %(occurrences)s::int[],
                                 %(dates)s::date[], %(companies)s::int[], %(reasons)s::varchar[],
                                 %(reason_dates)s::date[])
                          AS v(step_id, partner_id, res_model, res_id, cycle, occurrence,
                               date_deadline, company_id, reason, reason_date)
                   ON CONFLICT DO NOTHING
                   RETURNING id, state = 'planned'""",
                cadence=self.id,
                company=self.company_id.id or None,
                uid=self.env.uid,
                held_out=self._holdout_sql(SQL("v.partner_id")),
                steps=list(columns[0]),
                partners=list(columns[1]),
                models=list(columns[2]),
                res_ids=list(columns[3]),
                cycles=list(columns[4]),
                occurrences=list(columns[5]),
                dates=list(columns[6]),
                companies=list(columns[7]),
                # An exit found before the step ran: its kind and day.
                reasons=list(columns[8]),
                reason_dates=list(columns[9]),
            )
        )
        rows = self.env.cr.fetchall()
        self._record_entries(columns)
        # Stopped ones (a reply, an answer...) are in the ledger, and done with.
        followups = self.env["retention.followup"].browse([row[0] for row in rows if row[1]])
        followups -= self._join_followups(followups)
        self._run_step_kinds(followups)
        return len(rows)

    def _record_entries(self, columns):
        """Each customer these occurrences start, once per measurement period
        and company: the day the rule first acts, and their group (both
        groups, as the rule would act: intention to treat)."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO retention_cadence_entry AS e (cadence_id, partner_id, company_id,
                                                        period_start, date, "group", create_uid,
                                                        write_uid, create_date, write_date)
                   SELECT %(cadence)s, v.partner_id, COALESCE(v.company_id, %(company)s),
                          %(since)s, MIN(v.day),
                          CASE WHEN %(held_out)s THEN 'control' ELSE 'treated' END,
                          %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(partners)s::int[], %(companies)s::int[], %(days)s::date[])
                          AS v(partner_id, company_id, day)
                    WHERE COALESCE(v.company_id, %(company)s) IS NOT NULL
                 GROUP BY v.partner_id, COALESCE(v.company_id, %(company)s)
                   ON CONFLICT (cadence_id, partner_id, company_id, period_start) DO UPDATE
                      SET date = LEAST(e.date, EXCLUDED.date)""",
                cadence=self.id,
                company=self.company_id.id or None,
                since=self.holdout_since or self.create_date,
                held_out=self._holdout_sql(SQL("v.partner_id")),
                uid=self.env.uid,
                partners=list(columns[1]),
                companies=list(columns[7]),
                days=list(columns[6]),
            )
        )

    def _run_step_kinds(self, followups):
        """Hand each follow-up to the method of its step's kind."""
        for kind, kind_followups in followups.grouped(lambda f: f.step_id.retention_action).items():
            method = getattr(self, f"_step_{kind}", None)
            if method is None:
                raise UserError(
                    self.env._(
                        "Rule “%(rule)s”: no addon handles steps of kind “%(kind)s”.",
                        rule=self.display_name,
                        kind=kind,
                    )
                )
            method(kind_followups)

    # -- step kind: e-mail a feedback request ---------------------------------

    def _step_feedback_request_traits(self):
        return {"ahead": False}

    def _step_feedback_request(self, followups):
        """E-mail the customer (skipped if asked recently), within the weekly
        limit of messages like every message to the customer."""
        sources = followups._sources()
        followups = self._touch_gate(followups, "email", sources)
        if not followups:
            return
        partners = followups.partner_id.browse([f.partner_id.id for f in followups])
        sent, _skipped = self.env["retention.feedback.request"]._send_to(
            partners, [sources.get((f.res_model, f.res_id)) for f in followups]
        )
        by_partner = {request.commercial_partner_id.id: request.id for request in sent}
        done = [
            (f.id, by_partner.pop(f.partner_id.id))
            for f in followups
            if f.partner_id.id in by_partner
        ]
        skipped = list(set(followups.ids) - {followup_id for followup_id, _request in done})
        self.env.cr.execute(
            SQL(
                """UPDATE retention_followup f
                      SET state = CASE WHEN v.request_id IS NULL THEN 'cancelled' ELSE 'done' END,
                          date_done = CASE WHEN v.request_id IS NULL THEN NULL ELSE %s::date END,
                          feedback_request_id = v.request_id
                     FROM unnest(%s::int[], %s::int[]) AS v(id, request_id)
                    WHERE f.id = v.id""",
                fields.Date.context_today(self),
                [followup_id for followup_id, _request in done] + skipped,
                [request_id for _followup, request_id in done] + [None] * len(skipped),
            )
        )
        followups.invalidate_recordset(["state", "date_done", "feedback_request_id"])

    # -- step kind: schedule an activity --------------------------------------

    def _step_activity(self, followups):
        """One mail.activity per follow-up, through mail.activity.create (one
        call per batch), in its assignee's language."""
        self.ensure_one()
        on_customer = self.res_model == "res.partner"
        sources = followups._sources()
        engine = self.env["retention.engine"]
        target_ids = self._target_ids(followups)
        targets = self.env[self.res_model].browse(list(set(target_ids.values())))
        # Read the documents in one batch: create reads their names (and
        # mail.thread fields) one document at a time otherwise.
        targets.mapped("display_name")
        followups.partner_id.user_id.mapped("lang")
        # Who does each step: one decision per step, salesperson and document user.
        responsible = {}
        assigned = {}
        for followup in followups:
            source = sources.get((followup.res_model, followup.res_id))
            key = (
                followup.step_id,
                followup.partner_id.user_id,
                engine._user_of(source) if source else self.env["res.users"],
            )
            if key not in responsible:
                responsible[key] = (
                    key[0]._retention_responsible(key[1], key[2], self.fallback_user_id)
                    or self.env.user
                )
            assigned[followup] = responsible[key]
        texts = self._step_texts(followups, assigned, on_customer, sources)
        model_id = self.env["ir.model"]._get_id(self.res_model)
        vals_list = []
        for followup in followups:
            summary, note = texts[followup.id]
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": target_ids[followup.id],
                    "activity_type_id": followup.step_id.activity_type_id.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": followup.date_deadline,
                    "user_id": assigned[followup].id,
                    "automated": True,
                }
            )
        activities = self.env["mail.activity"].with_context(**QUIET).create(vals_list)
        self.env.cr.execute(
            SQL(
                """UPDATE retention_followup f SET activity_id = v.activity_id, user_id = v.user_id
                     FROM unnest(%s::int[], %s::int[], %s::int[]) AS v(id, activity_id, user_id)
                    WHERE f.id = v.id""",
                followups.ids,
                activities.ids,
                [assigned[f].id for f in followups],
            )
        )
        followups.invalidate_recordset(["activity_id", "user_id"])

    def _step_note(self, step, lang):
        """The step's note in `lang`: its own translation, else the activity
        type's default note (which Odoo copies, in English, into steps that
        have no note of their own), else Odoo's note."""
        translated = step.with_context(lang=lang)
        if translated.retention_note:
            return translated.retention_note
        activity_type = step.activity_type_id
        if step.note and step.note == activity_type.with_context(lang="en_US").default_note:
            return activity_type.with_context(lang=lang).default_note
        return step.note or ""

    def _step_texts(self, followups, assigned, on_customer, sources):
        """{follow-up id: (summary, note)} in each assignee's language: the
        step's translated texts, the note sanitized as mail.activity would and
        its {{ object.field }} placeholders filled in from the record the
        activity is on; on the customer, with a link to the source document."""
        sanitize = self.env["mail.activity"]._fields["note"].convert_to_column
        texts = {}
        groups = defaultdict(list)
        for followup in followups:
            lang = assigned[followup].lang or self.env.lang or "en_US"
            groups[followup.step_id, lang].append(followup)
        for (step, lang), group in groups.items():
            translated = step.with_context(lang=lang)
            env = self.with_context(lang=lang).env
            summary = translated.retention_summary or step.summary or None
            note = Markup(sanitize(self._step_note(step, lang), env["mail.activity"]) or "")
            records = self._target_ids(group)
            bodies = {
                record.id: fill_placeholders(note, record) if "{{" in note else note
                for record in env[self.res_model].browse(list(set(records.values())))
            }
            for followup in group:
                body = bodies[records[followup.id]]
                source = sources.get((followup.res_model, followup.res_id))
                if on_customer and followup.res_model in LINKED_SOURCES and source:
                    body += Markup("<p>%s %s</p>") % (env._("About:"), source._get_html_link())
                texts[followup.id] = (summary, str(body) if body else None)
        return texts
