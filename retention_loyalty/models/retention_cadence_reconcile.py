"""Reconciliation: pending follow-ups whose trigger changed since they were
scheduled are moved to their new date or dropped."""

from collections import defaultdict
from datetime import timedelta

from odoo import models
from odoo.tools import SQL

from .retention_cadence_occurrences import PENDING_HORIZON_DAYS


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

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
SELECT f.id, f.activity_id, o.date_deadline, f.state = 'held'
  FROM retention_followup f
  LEFT JOIN occurrences o
         ON o.step_id = f.step_id AND o.res_model = f.res_model AND o.res_id = f.res_id
        AND o.occurrence = f.occurrence
        AND COALESCE(o.cycle, '1970-01-01'::date) = COALESCE(f.cycle, '1970-01-01'::date)
 WHERE f.cadence_id = %(cadence)s
   AND ((f.state = 'planned' AND f.activity_id IS NOT NULL
         AND o.date_deadline IS DISTINCT FROM f.date_deadline)
        -- A message held back keeps its day, unless its trigger is gone.
        OR (f.state = 'held' AND o.date_deadline IS NULL))""",
                occurrences=self._occurrences_sql(
                    until + timedelta(days=PENDING_HORIZON_DAYS), pending=True
                ),
                cadence=self.id,
            )
        )
        rows = self.env.cr.fetchall()
        held = [row[0] for row in rows if row[3]]
        if held:
            self.env["retention.followup"].browse(held).write(
                {"state": "cancelled", "reason_code": "trigger_gone"}
            )
        rows = [row[:3] for row in rows if not row[3]]
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
