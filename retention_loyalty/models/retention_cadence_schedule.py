"""The cadence engine: turns rules into activities with a few set-based SQL
statements per rule. The follow-up ledger (retention.followup) has a unique key
per step, source, cycle and occurrence, so a rerun, or two runs at once, never
create an activity twice; each batch commits on its own, so a crash loses
nothing and the next run finishes the work."""

import ast
import logging
import re
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from .retention_cadence import PREVIEW_DAYS, PREVIEW_ROWS

_logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
ANALYZE_AFTER = 1000
# pg_try_advisory_lock(LOCK_SPACE, cadence id): one run schedules a rule at a time.
LOCK_SPACE = 0x52455445
# An occurrence missed by this many days (the cron was down, the rule is new) is
# still created, overdue; older ones are skipped. Account reviews are never skipped.
CATCH_UP_DAYS = 7
DEFAULT_HORIZON_DAYS = 7
DAYS_PER_UNIT = {"days": 1, "weeks": 7, "months": 31}
# Pending follow-ups are matched against occurrences up to this far ahead.
PENDING_HORIZON_DAYS = 400
QUIET = {
    "mail_activity_quick_update": True,  # no "you have been assigned" e-mail per activity
    "mail_auto_subscribe_no_notify": True,
    "tracking_disable": True,
}


PLACEHOLDER = re.compile(r"\{\{\s*object((?:\.\w+)+)\s*\}\}")


def _fill_placeholders(note, record):
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


def _interval(count, unit):
    return SQL(
        "CASE %(unit)s WHEN 'days' THEN make_interval(days => %(n)s) "
        "WHEN 'weeks' THEN make_interval(weeks => %(n)s) "
        "ELSE make_interval(months => %(n)s) END",
        unit=unit,
        n=count,
    )


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    @api.model
    def _cron_schedule_followups(self, cadences=None):
        """Scheduled action: for every active rule, move or drop the pending
        follow-ups whose trigger changed, then create the new ones in batches."""
        cadences = (cadences or self.search([("active", "=", True)])).sudo().with_context(**QUIET)
        commit = self.env["res.partner"]._loyalty_commit
        testing = getattr(self.env.registry, "in_test_mode", lambda: False)()
        done = 0
        for cadence in cadences:
            commit()  # each rule starts from a fresh snapshot
            if not cadence._lock():
                _logger.info("Cadence %s: another run is scheduling it, skipped.", cadence.id)
                continue
            failed = False
            try:
                done += cadence._schedule(commit)
            except SerializationFailure:
                # A run that began before ours committed the same follow-ups (the
                # unique key refused ours): nothing is lost, the batch is dropped.
                failed = True
                if testing:
                    raise
                self.env.cr.rollback()
                _logger.info("Cadence %s: scheduled by a concurrent run.", cadence.id)
            except Exception:
                # One broken rule must not stop the others.
                failed = True
                if testing:
                    raise
                self.env.cr.rollback()
                _logger.exception("Cadence %s failed; the other rules go on.", cadence.id)
            finally:
                # A test's failed transaction stays aborted until its rollback;
                # session locks are re-entrant there.
                if not (failed and testing):
                    cadence._unlock()
        return done

    def _schedule(self, commit):
        """Reconcile, then create this rule's new follow-ups in committed batches."""
        self._reconcile_followups()
        commit()
        todo = self._new_occurrences()
        cron = self.env["ir.cron"]
        done = 0
        for start in range(0, len(todo), BATCH_SIZE):
            done += self._create_followups(todo[start : start + BATCH_SIZE])
            remaining = max(0, len(todo) - start - BATCH_SIZE)
            cron._notify_progress(done=done, remaining=remaining)
            commit()
        if len(todo) >= ANALYZE_AFTER:
            # Fresh statistics, or the next run's anti-joins plan as if the
            # ledger were still empty (nested loops: 40 s instead of 0.3 s on
            # 27,000 follow-ups).
            self.env.cr.execute("ANALYZE retention_followup")
        return done

    def _lock(self):
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s, %s)", LOCK_SPACE, self.id))
        return self.env.cr.fetchone()[0]

    def _unlock(self):
        self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", LOCK_SPACE, self.id))

    @api.model
    def _trigger_scheduling(self):
        """Run the cadence engine soon (something that may trigger follow-ups changed)."""
        cron = self.env.ref("retention_loyalty.ir_cron_cadence", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    # -- SQL building blocks --------------------------------------------------

    def _tz(self):
        """Dates are the customers' days as the rule's users see them."""
        return self.fallback_user_id.tz or self.env.user.tz or "UTC"

    def _horizon(self):
        today = fields.Date.context_today(self.with_context(tz=self._tz()))
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("retention_loyalty.cadence_horizon_days", DEFAULT_HORIZON_DAYS)
        )
        return today, today + timedelta(days=days)

    def _sources_sql(self, lo, hi, pending):
        """This rule's live triggers, one row each: partner_id (the commercial
        entity), res_model / res_id (the source), cycle (which occurrence of a
        lasting trigger), start_date, anchor_date, doc_user_id, company_id.
        `pending` keeps the sources of pending follow-ups, else those whose dates
        may fall between `lo` (None: no lower bound) and `hi`."""
        self.ensure_one()
        company = self.company_id.id or None
        tz = self._tz()

        def day(column):  # a UTC timestamp column as a date in the rule's time zone
            return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", column, tz)

        # Timestamps are compared in UTC: widen the window by a day each side.
        lo_ts = lo - timedelta(days=1) if lo else None
        hi_ts = hi + timedelta(days=2)
        in_pending = SQL(
            "IN (SELECT res_id FROM retention_followup WHERE cadence_id = %s "
            "AND state = 'planned' AND activity_id IS NOT NULL)",
            self.id,
        )

        def company_of(column):
            return SQL("(%s::int IS NULL OR %s = %s)", company, column, company)

        trigger = self.trigger
        if trigger in ("sale_confirmed", "order_date"):
            order_day = day(SQL("so.date_order"))
            anchor = (
                order_day
                if trigger == "sale_confirmed"
                else SQL("so.%s::date", SQL.identifier(self.anchor_field))
                if self.anchor_field == "departure_date"
                else day(SQL("so.%s", SQL.identifier(self.anchor_field)))
            )
            scope = (
                SQL("so.id %s", in_pending)
                if pending
                else SQL("so.date_order < %s AND %s >= %s", hi_ts, anchor, lo)
            )
            return SQL(
                """SELECT p.commercial_partner_id AS partner_id, 'sale.order' AS res_model,
                          so.id AS res_id, NULL::date AS cycle, %(order_day)s AS start_date,
                          %(anchor)s AS anchor_date, so.user_id AS doc_user_id,
                          so.company_id AS company_id
                     FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                    WHERE so.state = 'sale' AND %(anchor)s IS NOT NULL
                      AND %(company)s AND %(scope)s""",
                order_day=order_day,
                anchor=anchor,
                company=company_of(SQL("so.company_id")),
                scope=scope,
            )
        if trigger == "lead_won":
            scope = (
                SQL("l.id %s", in_pending)
                if pending
                else SQL("l.date_closed >= %s AND l.date_closed < %s", lo_ts, hi_ts)
            )
            closed = day(SQL("l.date_closed"))
            return SQL(
                """SELECT p.commercial_partner_id AS partner_id, 'crm.lead' AS res_model,
                          l.id AS res_id, NULL::date AS cycle, %(closed)s AS start_date,
                          %(closed)s AS anchor_date, l.user_id AS doc_user_id,
                          l.company_id AS company_id
                     FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                     JOIN res_partner p ON p.id = l.partner_id
                    WHERE l.active AND s.is_won AND l.date_closed IS NOT NULL
                      AND %(company)s AND %(scope)s""",
                closed=closed,
                company=company_of(SQL("l.company_id")),
                scope=scope,
            )
        if trigger == "detractor":
            # A low score, or a complaint: both call for a recovery.
            reported = day(SQL("c.date_reported"))
            scope, complaint_scope = (
                (SQL("f.id %s", in_pending), SQL("c.id %s", in_pending))
                if pending
                else (
                    SQL("f.date BETWEEN %s AND %s", lo, hi),
                    SQL("c.date_reported >= %s AND c.date_reported < %s", lo_ts, hi_ts),
                )
            )
            return SQL(
                """SELECT f.commercial_partner_id AS partner_id,
                          'retention.feedback' AS res_model, f.id AS res_id, NULL::date AS cycle,
                          f.date AS start_date, f.date AS anchor_date, f.user_id AS doc_user_id,
                          f.company_id AS company_id
                     FROM retention_feedback f
                    WHERE f.nps_category = 'detractor' AND %(feedback_company)s AND %(scope)s
                    UNION ALL
                   SELECT c.commercial_partner_id, 'retention.complaint', c.id, NULL::date,
                          %(reported)s, %(reported)s, c.user_id, c.company_id
                     FROM retention_complaint c
                    WHERE c.state IN ('new', 'in_progress') AND c.commercial_partner_id IS NOT NULL
                      AND %(complaint_company)s AND %(complaint_scope)s""",
                feedback_company=company_of(SQL("f.company_id")),
                complaint_company=company_of(SQL("c.company_id")),
                reported=reported,
                scope=scope,
                complaint_scope=complaint_scope,
            )
        if trigger == "complaint_resolved":
            resolved = day(SQL("c.date_resolved"))
            scope = (
                SQL("c.id %s", in_pending)
                if pending
                else SQL("c.date_resolved >= %s AND c.date_resolved < %s", lo_ts, hi_ts)
            )
            return SQL(
                """SELECT c.commercial_partner_id AS partner_id, 'retention.complaint' AS res_model,
                          c.id AS res_id, NULL::date AS cycle, %(resolved)s AS start_date,
                          %(resolved)s AS anchor_date, c.user_id AS doc_user_id,
                          c.company_id AS company_id
                     FROM retention_complaint c
                    WHERE c.state = 'resolved' AND c.commercial_partner_id IS NOT NULL
                      AND %(company)s AND %(scope)s""",
                resolved=resolved,
                company=company_of(SQL("c.company_id")),
                scope=scope,
            )
        if trigger == "tier_changed":
            scope = (
                SQL("h.id %s", in_pending) if pending else SQL("h.date BETWEEN %s AND %s", lo, hi)
            )
            direction = {
                "up": SQL("h.is_upgrade"),
                "down": SQL("NOT h.is_upgrade"),
                "any": SQL("true"),
            }[self.tier_change or "any"]
            return SQL(
                """SELECT h.partner_id, 'retention.tier.history' AS res_model, h.id AS res_id,
                          NULL::date AS cycle, h.date AS start_date, h.date AS anchor_date,
                          NULL::int AS doc_user_id, h.company_id AS company_id
                     FROM retention_tier_history h
                    WHERE %(direction)s AND %(company)s AND %(scope)s""",
                direction=direction,
                company=company_of(SQL("h.company_id")),
                scope=scope,
            )
        if trigger == "review":
            cycle = SQL("COALESCE(p.last_review_date, p.first_order_date)")
            anchor = SQL("p.next_review_date")
            condition = SQL("p.next_review_date IS NOT NULL")
            recent = SQL("p.next_review_date <= %s", hi)
        else:  # inactivity: no order for longer than usual, and at least N days
            threshold = SQL(
                "GREATEST(COALESCE(p.order_interval_days, 0), %s)", self.inactivity_days or 0
            )
            cycle = SQL("p.last_order_date")
            anchor = SQL("(p.last_order_date + %s)", threshold)
            condition = SQL("p.last_order_date IS NOT NULL AND %s > 0", threshold)
            recent = (
                SQL("%s <= %s", anchor, hi)
                if lo is None
                else SQL("%s BETWEEN %s AND %s", anchor, lo, hi)
            )
        # Reviews and inactivity read each company's own profile of the customer.
        return SQL(
            """SELECT p.partner_id, 'res.partner' AS res_model, p.partner_id AS res_id,
                      %(cycle)s AS cycle, %(cycle)s AS start_date, %(anchor)s AS anchor_date,
                      NULL::int AS doc_user_id, p.company_id AS company_id
                 FROM retention_profile p JOIN res_partner rp ON rp.id = p.partner_id
                WHERE rp.active AND %(condition)s AND %(company)s AND %(scope)s""",
            cycle=cycle,
            anchor=anchor,
            condition=condition,
            company=company_of(SQL("p.company_id")),
            scope=SQL("p.partner_id %s", in_pending) if pending else recent,
        )

    def _occurrences_sql(self, until, pending=False):
        """WITH clauses ending in `occurrences`: every date each step falls on for
        each live trigger, up to `until`. A step repeated before the anchor date
        counts back to the trigger (weekly between booking and departure); one
        repeated after it counts forward. Each date is the first one plus k times
        the interval (no drift from month ends); a repeated step's occurrences are
        keyed by their date, so a moved anchor drops and re-creates them rather
        than shifting done ones."""
        self.ensure_one()
        today = self._horizon()[0]
        before = self.template_ids.filtered(lambda s: s.delay_from == "before_plan_date")
        after = self.template_ids - before
        max_before = max([s.delay_count * DAYS_PER_UNIT[s.delay_unit] for s in before], default=0)
        max_after = max([s.delay_count * DAYS_PER_UNIT[s.delay_unit] for s in after], default=0)
        repeats_forward = any(s.repeat_interval for s in after)
        lo = None if repeats_forward else today - timedelta(days=CATCH_UP_DAYS + max_after)
        hi = until + timedelta(days=max_before)
        return SQL(
            """
WITH sources AS (%(sources)s),
steps AS (
    SELECT t.id AS step_id, COALESCE(t.working_days_only, false) AS working_days_only,
           t.delay_from = 'before_plan_date' AS before,
           t.retention_action = 'feedback_request' AS sends_request,
           %(offset)s * CASE WHEN t.delay_from = 'before_plan_date' THEN -1 ELSE 1 END AS shift,
           CASE WHEN t.repeat_interval > 0 THEN %(every)s END AS every,
           GREATEST(1, t.repeat_interval * CASE t.repeat_unit WHEN 'days' THEN 1
                                                               WHEN 'weeks' THEN 7
                                                               ELSE 28 END) AS min_days
      FROM mail_activity_plan_template t WHERE t.plan_id = %(plan)s
),
occurrences AS (
    SELECT s.partner_id, s.res_model, s.res_id, s.cycle, s.doc_user_id, s.company_id,
           st.step_id, st.sends_request, st.every IS NOT NULL AS is_repeat,
           CASE WHEN st.every IS NULL THEN 0 ELSE g.d::date - DATE '2000-01-01' END
               AS occurrence,
           g.d::date + CASE WHEN NOT st.working_days_only THEN 0
                            WHEN extract(isodow FROM g.d) = 6 THEN 2
                            WHEN extract(isodow FROM g.d) = 7 THEN 1 ELSE 0 END AS date_deadline
      FROM sources s CROSS JOIN steps st
     CROSS JOIN LATERAL (
            SELECT s.anchor_date + st.shift
                   + k * COALESCE(st.every, interval '0') * CASE WHEN st.before THEN -1 ELSE 1 END
                   AS d, k
              FROM generate_series(0, CASE
                       WHEN st.every IS NULL THEN 0
                       WHEN st.before THEN GREATEST(
                           0, ((s.anchor_date + st.shift)::date - s.start_date) / st.min_days)
                       ELSE GREATEST(
                           0, (%(until)s::date - (s.anchor_date + st.shift)::date) / st.min_days)
                   END) AS k
           ) g
     WHERE g.d >= s.start_date AND (g.k = 0 OR g.d > s.start_date)
       AND (st.every IS NULL OR st.before OR g.d <= %(until)s)
)""",
            sources=self._sources_sql(lo, hi, pending),
            offset=_interval(SQL("t.delay_count"), SQL("t.delay_unit")),
            every=_interval(SQL("t.repeat_interval"), SQL("t.repeat_unit")),
            plan=self.plan_id.id,
            until=until,
        )

    def _new_occurrences_where(self, today, until):
        """New occurrences: due by `until`, not more than CATCH_UP_DAYS late
        (but a due account review always), not in the ledger yet, for customers
        matching the rule's filter."""
        floor = today - timedelta(days=CATCH_UP_DAYS)
        conditions = [
            SQL("o.date_deadline <= %s", until),
            SQL("o.date_deadline >= %s", floor)
            if self.trigger != "review"
            else SQL("(NOT o.is_repeat OR o.date_deadline >= %s)", floor),
            # A feedback request goes out on its day, not ahead like an activity.
            SQL("(NOT o.sends_request OR o.date_deadline <= %s)", today),
            SQL(
                """NOT EXISTS (SELECT 1 FROM retention_followup f
                    WHERE f.step_id = o.step_id AND f.res_model = o.res_model
                      AND f.res_id = o.res_id AND f.occurrence = o.occurrence
                      AND COALESCE(f.cycle, '1970-01-01'::date)
                          = COALESCE(o.cycle, '1970-01-01'::date))"""
            ),
        ]
        domain = ast.literal_eval(self.partner_domain or "[]")
        if domain:
            # Profile fields in the filter read the rule's company's profiles.
            customers = self.env["res.partner"].with_company(self.company_id or self.env.company)
            partners = customers.with_context(active_test=False)._search(domain)
            conditions.append(SQL("o.partner_id IN %s", partners.subselect()))
        return SQL(" AND ").join(conditions)

    # -- creating, moving and dropping follow-ups -----------------------------

    def _new_occurrences(self):
        """The follow-ups this rule must create now, found in one query: each
        (step_id, partner_id, res_model, res_id, cycle, occurrence, date_deadline)."""
        self.ensure_one()
        self.env.flush_all()
        today, until = self._horizon()
        self.env.cr.execute(
            SQL(
                """%(occurrences)s
SELECT o.step_id, o.partner_id, o.res_model, o.res_id, o.cycle, o.occurrence, o.date_deadline,
       o.company_id
  FROM occurrences o
 WHERE %(where)s
 ORDER BY o.date_deadline, o.res_id, o.step_id, o.occurrence""",
                occurrences=self._occurrences_sql(until),
                where=self._new_occurrences_where(today, until),
            )
        )
        return self.env.cr.fetchall()

    def _create_followups(self, occurrences):
        """Insert these follow-ups and their activities; return how many. ON
        CONFLICT: another run inserted the same ones first, they are skipped."""
        self.ensure_one()
        if not occurrences:
            return 0
        columns = list(zip(*occurrences, strict=True))
        self.env.cr.execute(
            SQL(
                """INSERT INTO retention_followup (cadence_id, step_id, partner_id, res_model,
                                                  res_id, cycle, occurrence, date_deadline,
                                                  state, company_id, create_uid, write_uid,
                                                  create_date, write_date)
                   SELECT %(cadence)s, v.step_id, v.partner_id, v.res_model, v.res_id, v.cycle,
                          v.occurrence, v.date_deadline, 'planned',
                          COALESCE(v.company_id, %(company)s), %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(steps)s::int[], %(partners)s::int[], %(models)s::varchar[],
                                 %(res_ids)s::int[], %(cycles)s::date[], %(occurrences)s::int[],
                                 %(dates)s::date[], %(companies)s::int[])
                          AS v(step_id, partner_id, res_model, res_id, cycle, occurrence,
                               date_deadline, company_id)
                   ON CONFLICT DO NOTHING
                   RETURNING id""",
                cadence=self.id,
                company=self.company_id.id or None,
                uid=self.env.uid,
                steps=list(columns[0]),
                partners=list(columns[1]),
                models=list(columns[2]),
                res_ids=list(columns[3]),
                cycles=list(columns[4]),
                occurrences=list(columns[5]),
                dates=list(columns[6]),
                companies=list(columns[7]),
            )
        )
        followups = self.env["retention.followup"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        requests = followups.filtered(lambda f: f.step_id.retention_action == "feedback_request")
        if requests:
            self._send_feedback_requests(requests)
        if followups - requests:
            self._create_activities(followups - requests)
        return len(followups)

    def _send_feedback_requests(self, followups):
        """Request steps: e-mail the customer (skipped if asked recently)."""
        sources = followups._sources()
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

    def _create_activities(self, followups):
        """One mail.activity per follow-up, in one INSERT per batch. The ORM's
        create costs ~1 ms an activity (sanitizing, computing, one row at a
        time); we write the same columns and keep its side effects: responsible
        users follow the documents, their activity counters refresh; no e-mail."""
        self.ensure_one()
        on_customer = self.res_model == "res.partner"
        sources = followups._sources()
        document_users = {
            key: self.env["res.partner"]._retention_user_of(record)
            for key, record in sources.items()
        }
        notes = self._rendered_notes(followups, on_customer, sources)
        targets = self.env[self.res_model].browse(
            followups.partner_id.ids if on_customer else [f.res_id for f in followups]
        )
        names = {record.id: record.display_name for record in targets}
        rows = []
        for followup in followups:
            step = followup.step_id
            user = (
                step._retention_responsible(
                    followup.partner_id.user_id,
                    document_users.get(
                        (followup.res_model, followup.res_id), self.env["res.users"]
                    ),
                    self.fallback_user_id,
                )
                or self.env.user
            )
            target = followup.partner_id.id if on_customer else followup.res_id
            rows.append((followup, target, user, step, notes[followup.id]))
        self.env.cr.execute(
            SQL("SELECT nextval('mail_activity_id_seq') FROM generate_series(1, %s)", len(rows))
        )
        activity_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_activity (id, res_model_id, res_model, res_id, res_name,
                                             activity_type_id, summary, note, date_deadline,
                                             user_id, user_tz, automated, active, create_uid,
                                             write_uid, create_date, write_date)
                   SELECT v.id, %(model_id)s, %(model)s, v.res_id, v.res_name, v.type_id,
                          v.summary, v.note, v.deadline, v.user_id, v.tz, true, true, %(uid)s,
                          %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(ids)s::int[], %(res_ids)s::int[], %(names)s::varchar[],
                                 %(types)s::int[], %(summaries)s::varchar[], %(notes)s::text[],
                                 %(deadlines)s::date[], %(users)s::int[], %(tzs)s::varchar[])
                          AS v(id, res_id, res_name, type_id, summary, note, deadline, user_id,
                               tz)""",
                model_id=self.env["ir.model"]._get_id(self.res_model),
                model=self.res_model,
                uid=self.env.uid,
                ids=activity_ids,
                res_ids=[row[1] for row in rows],
                names=[names.get(row[1]) for row in rows],
                types=[row[3].activity_type_id.id for row in rows],
                summaries=[row[3].summary or None for row in rows],
                notes=[row[4] or None for row in rows],
                deadlines=[row[0].date_deadline for row in rows],
                users=[row[2].id for row in rows],
                tzs=[row[2].tz or None for row in rows],
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE retention_followup f SET activity_id = v.activity_id, user_id = v.user_id
                     FROM unnest(%s::int[], %s::int[], %s::int[]) AS v(id, activity_id, user_id)
                    WHERE f.id = v.id""",
                followups.ids,
                activity_ids,
                [row[2].id for row in rows],
            )
        )
        self.env["mail.activity"].invalidate_model()
        self.env[self.res_model].invalidate_model()
        followups.invalidate_recordset(["activity_id", "user_id"])
        self._after_activities_created(rows)

    def _after_activities_created(self, rows):
        """What mail.activity.create does besides the insert, per user, not per row."""
        today = fields.Date.context_today(self)
        by_user = defaultdict(set)
        due_now = defaultdict(int)
        for followup, target, user, _step, _note in rows:
            by_user[user].add(target)
            if followup.date_deadline <= today:
                due_now[user] += 1
        documents = self.env[self.res_model].with_context(**QUIET)
        for user, targets in by_user.items():
            documents.browse(list(targets)).message_subscribe(partner_ids=user.partner_id.ids)
        for user, count in due_now.items():
            user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": count})

    def _rendered_notes(self, followups, on_customer, sources):
        """Each step's note, sanitized as mail.activity would, its
        {{ object.field }} placeholders filled in from the record the activity is
        on; on the customer, with a link to the source document."""
        sanitize = self.env["mail.activity"]._fields["note"].convert_to_column
        notes = {}
        by_step = defaultdict(lambda: self.env["retention.followup"])
        for followup in followups:
            by_step[followup.step_id] |= followup
        for step, step_followups in by_step.items():
            note = Markup(sanitize(step.note or "", self.env["mail.activity"]) or "")
            targets = {f.id: f.partner_id.id if on_customer else f.res_id for f in step_followups}
            records = self.env[self.res_model].browse(list(set(targets.values())))
            bodies = {
                record.id: _fill_placeholders(note, record) if "{{" in note else note
                for record in records
            }
            for followup in step_followups:
                body = bodies[targets[followup.id]]
                source = sources.get((followup.res_model, followup.res_id))
                if on_customer and followup.res_model in ("sale.order", "crm.lead") and source:
                    body += Markup("<p>%s %s</p>") % (self.env._("About:"), source._get_html_link())
                notes[followup.id] = str(body) if body else None
        return notes

    def _reconcile_followups(self):
        """Pending follow-ups whose trigger no longer holds (order cancelled,
        opportunity lost, review done elsewhere) lose their activity; those
        whose anchor date moved get the new date."""
        self.ensure_one()
        self.env.flush_all()
        # An activity deleted behind the ORM's back (a cascade) ends its follow-up.
        self.env.cr.execute(
            SQL(
                """UPDATE retention_followup SET state = 'cancelled'
                    WHERE cadence_id = %s AND state = 'planned' AND activity_id IS NULL""",
                self.id,
            )
        )
        until = self._horizon()[1]
        self.env.cr.execute(
            SQL(
                """%(occurrences)s
SELECT f.id, f.activity_id, o.date_deadline
  FROM retention_followup f
  LEFT JOIN occurrences o
         ON o.step_id = f.step_id AND o.res_model = f.res_model AND o.res_id = f.res_id
        AND o.occurrence = f.occurrence
        AND COALESCE(o.cycle, '1970-01-01'::date) = COALESCE(f.cycle, '1970-01-01'::date)
 WHERE f.cadence_id = %(cadence)s AND f.state = 'planned' AND f.activity_id IS NOT NULL
   AND o.date_deadline IS DISTINCT FROM f.date_deadline""",
                occurrences=self._occurrences_sql(
                    until + timedelta(days=PENDING_HORIZON_DAYS), pending=True
                ),
                cadence=self.id,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        activities = self.env["mail.activity"]
        stale = activities.browse([activity for _id, activity, date in rows if date is None])
        moved = defaultdict(list)
        for followup_id, activity_id, date in rows:
            if date is not None:
                moved[date].append((followup_id, activity_id))
        for date, pairs in moved.items():
            activities.browse([a for _f, a in pairs]).write({"date_deadline": date})
            self.env["retention.followup"].browse([f for f, _a in pairs]).write(
                {"date_deadline": date}
            )
        # The ledger row stays (cancelled): the same occurrence is never re-created.
        stale.unlink()

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
                where=self._new_occurrences_where(today, until),
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
            # A document the admin may not open (another rep's order) is not named.
            source = self.env[res_model].browse(res_id)._filtered_access("read")
            lines.append(
                (
                    format_date(self.env, date),
                    partner.display_name,
                    step.summary or step.activity_type_id.name,
                    user.name or "",
                    source.display_name if source and res_model != "res.partner" else "",
                )
            )
        return lines, rows[0][6] if rows else 0
