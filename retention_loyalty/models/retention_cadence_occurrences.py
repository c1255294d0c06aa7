"""Occurrences: every date each step of a rule falls on for each live source,
computed in SQL from the sources of its trigger, and those that are due and
not in the ledger yet (the new follow-ups)."""

import ast
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# An occurrence missed by this many days (the cron was down, the rule is new) is
# still created, overdue; older ones are skipped (unless the trigger says otherwise).
CATCH_UP_DAYS = 7
DAYS_PER_UNIT = {"days": 1, "weeks": 7, "months": 31}
# Pending follow-ups are matched against occurrences up to this far ahead.
PENDING_HORIZON_DAYS = 400


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

    def _tz(self):
        """Dates are the customers' days as the rule's users see them."""
        return self.fallback_user_id.tz or self.env.user.tz or "UTC"

    def _horizon(self):
        today = fields.Date.context_today(self.with_context(tz=self._tz()))
        days = self.env["retention.engine"]._setting("cadence_horizon_days")
        return today, today + timedelta(days=days)

    @api.model
    def _closed_days(self, start, end):
        """[(company id, closed day, next working day)] between start and end,
        from each company's working calendar (its weekend, whichever days it
        falls on, and public holidays). A company without a calendar works
        every day."""
        rows = []
        begin = datetime.combine(start, time.min)
        finish = datetime.combine(end + timedelta(days=14), time.max)
        companies = self.env["res.company"].sudo().search([("resource_calendar_id", "!=", False)])
        for company in companies:
            calendar = company.resource_calendar_id
            closed = {
                fields.Date.to_date(day)
                for day, unusual in calendar._get_unusual_days(
                    begin, finish, company_id=company
                ).items()
                if unusual
            }
            following = None
            # Walk back from the end: each closed day moves to the next open one.
            day = finish.date()
            while day >= start:
                if day in closed:
                    if following:
                        rows.append((company.id, day, following))
                else:
                    following = day
                day -= timedelta(days=1)
        return rows

    def _working_day_sql(self, start, end):
        """WITH clause `closed` (company_id, day, next_day) for `_occurrences_sql`."""
        rows = (
            self._closed_days(start, end)
            if any(self.template_ids.mapped("working_days_only"))
            else []
        )
        return SQL(
            """closed AS (
                   SELECT * FROM unnest(%s::int[], %s::date[], %s::date[])
                            AS c(company_id, day, next_day)
               )""",
            [row[0] for row in rows],
            [row[1] for row in rows],
            [row[2] for row in rows],
        )

    def _step_kinds_on_their_day(self):
        """Step kinds that act on their date (send something) rather than
        appear ahead in the rep's list."""
        kinds = self.env["mail.activity.plan.template"]._fields["retention_action"]
        return [
            kind for kind in kinds.get_values(self.env) if not self._step_kind_traits(kind)["ahead"]
        ]

    def _step_kinds_facing_customers(self):
        kinds = self.env["mail.activity.plan.template"]._fields["retention_action"]
        return [
            kind
            for kind in kinds.get_values(self.env)
            if self._step_kind_traits(kind)["customer_facing"]
        ]

    def _occurrences_sql(self, until, pending=False):
        """WITH clauses ending in `occurrences`: every date each step falls on for
        each live trigger, up to `until`. A step repeated before the anchor date
        counts back to the trigger (weekly between booking and departure); one
        repeated after it counts forward. Each date is the first one plus k times
        the interval (no drift from month ends); a repeated step's occurrences are
        keyed by their date, so a moved anchor drops and re-creates them rather
        than shifting done ones. A working-days step falling on a closed day of
        the company's calendar moves to its next working day."""
        self.ensure_one()
        today = self._horizon()[0]
        before = self.template_ids.filtered(lambda s: s.delay_from == "before_plan_date")
        after = self.template_ids - before
        max_before = max([s.delay_count * DAYS_PER_UNIT[s.delay_unit] for s in before], default=0)
        max_after = max([s.delay_count * DAYS_PER_UNIT[s.delay_unit] for s in after], default=0)
        repeats_forward = any(s.repeat_interval for s in after)
        lo = None if repeats_forward else today - timedelta(days=CATCH_UP_DAYS + max_after)
        hi = until + timedelta(days=max_before)
        working = self._working_day_sql(today - timedelta(days=CATCH_UP_DAYS), until)
        return SQL(
            """
WITH sources AS (%(sources)s),
%(working)s,
steps AS (
    SELECT t.id AS step_id, COALESCE(t.working_days_only, false) AS working_days_only,
           t.delay_from = 'before_plan_date' AS before,
           t.retention_action = ANY(%(on_their_day)s) AS on_its_day,
           t.retention_action = ANY(%(facing)s) AS facing,
           %(offset)s * CASE WHEN t.delay_from = 'before_plan_date' THEN -1 ELSE 1 END AS shift,
           CASE WHEN t.repeat_interval > 0 THEN %(every)s END AS every,
           GREATEST(1, t.repeat_interval * CASE t.repeat_unit WHEN 'days' THEN 1
                                                               WHEN 'weeks' THEN 7
                                                               ELSE 28 END) AS min_days
      FROM mail_activity_plan_template t WHERE t.plan_id = %(plan)s
),
occurrences AS (
    SELECT s.partner_id, s.res_model, s.res_id, s.cycle, s.doc_user_id, s.company_id,
           s.start_date, st.step_id, st.on_its_day, st.facing, st.every IS NOT NULL AS is_repeat,
           CASE WHEN st.every IS NULL THEN 0 ELSE g.d::date - DATE '2000-01-01' END
               AS occurrence,
           CASE WHEN st.working_days_only AND c.next_day IS NOT NULL THEN c.next_day
                ELSE g.d::date END AS date_deadline
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
      LEFT JOIN closed c ON st.working_days_only AND c.company_id = s.company_id
                        AND c.day = g.d::date
     WHERE g.d >= s.start_date AND (g.k = 0 OR g.d > s.start_date)
       AND (st.every IS NULL OR st.before OR g.d <= %(until)s)
)""",
            sources=self._sources_sql(lo, hi, pending),
            working=working,
            on_their_day=self._step_kinds_on_their_day(),
            facing=self._step_kinds_facing_customers(),
            offset=_interval(SQL("t.delay_count"), SQL("t.delay_unit")),
            every=_interval(SQL("t.repeat_interval"), SQL("t.repeat_unit")),
            plan=self.plan_id.id,
            until=until,
        )

    def _new_occurrences_where(self, today, until, preview=False):
        """New occurrences: due by `until`, not more than CATCH_UP_DAYS late
        (unless the trigger always catches up, as account reviews do), not in
        the ledger yet, for customers matching the rule's filter."""
        floor = today - timedelta(days=CATCH_UP_DAYS)
        conditions = [
            SQL("o.date_deadline <= %s", until),
            SQL("(NOT o.is_repeat OR o.date_deadline >= %s)", floor)
            if self._trigger_traits()["always_catch_up"]
            else SQL("o.date_deadline >= %s", floor),
            # What a step sends goes out on its day, not ahead like an activity
            # (the preview shows it ahead all the same).
            SQL("(NOT o.on_its_day OR o.date_deadline <= %s)", until if preview else today),
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

    def _new_occurrences(self):
        """The follow-ups this rule must create now, found in one query: each
        (step_id, partner_id, res_model, res_id, cycle, occurrence, date_deadline,
        company_id, exit kind, exit day): a customer-facing step whose sequence
        met one of the rule's exit conditions comes with that event."""
        self.ensure_one()
        self.env.flush_all()
        today, until = self._horizon()
        self.env.cr.execute(
            SQL(
                """%(occurrences)s
SELECT o.step_id, o.partner_id, o.res_model, o.res_id, o.cycle, o.occurrence, o.date_deadline,
       o.company_id, ex.kind, ex.day
  FROM occurrences o
  %(exits)s
 WHERE %(where)s
 ORDER BY o.date_deadline, o.res_id, o.step_id, o.occurrence""",
                occurrences=self._occurrences_sql(until),
                exits=self._exit_sql(),
                where=self._new_occurrences_where(today, until),
            )
        )
        return self.env.cr.fetchall()
