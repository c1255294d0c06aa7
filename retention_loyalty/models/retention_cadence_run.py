"""Run control of the cadence engine: which rules run, one run per rule at a
time (an advisory lock), and committed batches. The follow-up ledger
(retention.followup) has a unique key per step, source, cycle and occurrence,
so a rerun, or two runs at once, never create an activity twice; each batch
commits on its own, so a crash loses nothing and the next run finishes the
work."""

import logging

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL

from .retention_cadence_steps import QUIET

_logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
ANALYZE_AFTER = 1000
# pg_try_advisory_lock(LOCK_SPACE, cadence id): one run schedules a rule at a time.
LOCK_SPACE = 0x52455445


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    @api.model
    def _cron_schedule_followups(self, cadences=None, commit=True):
        """Scheduled action: for every active rule, move or drop the pending
        follow-ups whose trigger changed, then create the new ones in batches
        (each committed, unless `commit` is false: a button in a user's
        transaction)."""
        engine = self.env["retention.engine"]
        testing = engine._in_test_mode()
        scheduled = cadences is None and commit and not testing and self._is_scheduled_call()
        cadences = cadences or self.search([("active", "=", True)])
        if scheduled:
            # The hourly run: one chunk per rule, which the helper cron workers
            # share (retention_chunk.py); each comes back here. A run an order
            # triggered does its few new follow-ups alone: planning chunks
            # and waking three helpers would cost more than it shares.
            Chunk = self.env["retention.chunk"]
            return Chunk._work(Chunk._plan("cadence", cadences.ids, 1))
        cadences = cadences.sudo().with_context(**QUIET)

        def end_batch():
            if commit:
                engine._commit()

        done = 0
        for cadence in cadences:
            end_batch()  # each rule starts from a fresh snapshot
            if not cadence._lock():
                _logger.info("Cadence %s: another run is scheduling it, skipped.", cadence.id)
                continue
            failed = False
            try:
                done += cadence._schedule(end_batch)
            except Exception as error:
                # One broken rule must not stop the others; a concurrent run
                # that committed the same follow-ups first (the unique key
                # refused ours) loses nothing: the batch is dropped.
                failed = True
                if testing or not commit:
                    raise
                self.env.cr.rollback()
                if isinstance(error, SerializationFailure):
                    _logger.info("Cadence %s: scheduled by a concurrent run.", cadence.id)
                else:
                    _logger.exception("Cadence %s failed; the other rules go on.", cadence.id)
            finally:
                # A test's failed transaction stays aborted until its rollback;
                # session locks are re-entrant there.
                if not (failed and (testing or not commit)):
                    cadence._unlock()
        return done

    def _schedule(self, end_batch):
        """Reconcile, send what was held back, then create this rule's new
        follow-ups in batches."""
        self._reconcile_followups()
        self._send_held()
        end_batch()
        todo = self._new_occurrences()
        cron = self.env["ir.cron"]
        done = 0
        for start in range(0, len(todo), BATCH_SIZE):
            done += self._create_followups(todo[start : start + BATCH_SIZE])
            remaining = max(0, len(todo) - start - BATCH_SIZE)
            cron._notify_progress(done=done, remaining=remaining)
            end_batch()
        if len(todo) >= ANALYZE_AFTER:
            # Fresh statistics, or the next run's anti-joins plan as if the
            # ledger were still empty (nested loops: 40 s instead of 0.3 s on
            # 27,000 follow-ups).
            self.env.cr.execute("ANALYZE retention_followup")
        return done

    @api.model
    def _is_scheduled_call(self):
        """True in the scheduled action's run at its planned time, false when
        a trigger called it early (Odoo moves `nextcall` on after the run) or
        outside the cron."""
        cron_id = self.env.context.get("cron_id")
        if not cron_id:
            return False
        cron = self.env["ir.cron"].sudo().browse(cron_id)
        return cron.exists() and cron.nextcall <= fields.Datetime.now()

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
