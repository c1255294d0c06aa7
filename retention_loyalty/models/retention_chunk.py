"""The nightly jobs cut in chunks that several cron workers take at once: the
worker that runs the scheduled action plans the chunks (ranges of commercial
partner ids), wakes the helper actions (Retention: extra worker 1, 2...) and
takes chunks itself; a helper on any Odoo server of the database takes
chunks too. A chunk is taken with FOR UPDATE SKIP LOCKED and marked done in
the transaction that does its work: each chunk is done exactly once, and a
worker that dies gives its chunk back (its transaction is rolled back).

A job `x` is a method `_job_x(first, last)` of this model (another addon
adds one with its own): it does the chunk's ids and returns a count (the
profiles changed, the follow-ups created). Jobs: the profiles, then the
predictions, of the commercial partners between the bounds; the cadence
rules between them (one rule per chunk)."""

import logging
import os
import socket
import time

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)
HELPER_CRONS = (
    "retention_loyalty.ir_cron_engine_helper_1",
    "retention_loyalty.ir_cron_engine_helper_2",
    "retention_loyalty.ir_cron_engine_helper_3",
)
# A worker waiting for the others' chunks looks again this often (seconds).
WAIT_INTERVAL = 0.5


class RetentionChunk(models.Model):
    _name = "retention.chunk"
    _description = "Retention Engine Chunk"
    _order = "id"
    _log_access = False

    job = fields.Char(required=True, readonly=True)
    run = fields.Integer(required=True, readonly=True, index=True)
    first_id = fields.Integer(required=True, readonly=True)
    last_id = fields.Integer(required=True, readonly=True)
    done = fields.Boolean(readonly=True)
    done_by = fields.Char(readonly=True, help="The server and process that did it.")
    changed = fields.Integer(readonly=True)

    def init(self):
        # Two runs planned at once (two cadence runs) get two numbers.
        self.env.cr.execute("CREATE SEQUENCE IF NOT EXISTS retention_chunk_run_seq")

    @api.model
    def _plan(self, job, ids, size):
        """Cut the sorted `ids` in chunks of `size` for `job`; committed, so
        that the other workers see them. Returns the run's number."""
        self.env.cr.execute("SELECT nextval('retention_chunk_run_seq')")
        run = self.env.cr.fetchone()[0]
        # Only the last runs stay, to look at; a run planned at the same time
        # may be deleting them too: then it does.
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(SQL("DELETE FROM retention_chunk WHERE run < %s", run - 1))
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            _logger.debug("Old chunks: another run is deleting them.")
        bounds = [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]
        self.env.cr.execute(
            SQL(
                """INSERT INTO retention_chunk (job, run, first_id, last_id, done, changed)
                   SELECT %s, %s, f, l, false, 0 FROM unnest(%s::int[], %s::int[]) AS b(f, l)""",
                job,
                run,
                [first for first, _last in bounds],
                [last for _first, last in bounds],
            )
        )
        self.env["retention.engine"]._commit()
        return run

    @api.model
    def _work(self, run, progress=None):
        """Wake the helpers, take chunks of `run` until none is left, then wait
        for those the others are doing. Returns the profiles changed."""
        for xmlid in HELPER_CRONS:
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron and cron.active:
                cron._trigger()
        self.env["retention.engine"]._commit()
        while True:
            if self._take_one(run):
                if progress:
                    progress(*self._counts(run))
                continue
            done, total = self._counts(run)
            if done == total:
                break
            time.sleep(WAIT_INTERVAL)  # another worker is on the last chunks
        self.env.cr.execute(SQL("SELECT SUM(changed) FROM retention_chunk WHERE run = %s", run))
        return self.env.cr.fetchone()[0] or 0

    @api.model
    def _counts(self, run):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FILTER (WHERE done), count(*) FROM retention_chunk WHERE run = %s",
                run,
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _take_one(self, run=None):
        """Take a chunk nobody holds (of `run`, else of each job's last run),
        do it and commit: True, or False when there was none."""

        def take():
            self.env.cr.execute(
                SQL(
                    """SELECT id, job, first_id, last_id FROM retention_chunk
                        WHERE NOT done AND %s ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                    # A helper: the last run of each job (a crashed run's
                    # leftovers are redone by the job's next run).
                    SQL("run = %s", run)
                    if run
                    else SQL("run IN (SELECT MAX(run) FROM retention_chunk GROUP BY job)"),
                )
            )
            row = self.env.cr.fetchone()
            if not row:
                return False
            chunk_id, job, first, last = row
            changed = getattr(self, f"_job_{job}")(first, last)
            self.env.cr.execute(
                SQL(
                    "UPDATE retention_chunk SET done = true, done_by = %s, changed = %s "
                    "WHERE id = %s",
                    f"{socket.gethostname()}:{os.getpid()}",
                    changed or 0,
                    chunk_id,
                )
            )
            return True

        taken = self.env["retention.profile"]._retrying(take)
        self.env["retention.engine"]._commit()
        return taken

    # -- the jobs ------------------------------------------------------------------

    def _customers(self, first, last):
        self.env.cr.execute(
            SQL(
                """SELECT id FROM res_partner WHERE id = commercial_partner_id
                      AND id BETWEEN %s AND %s ORDER BY id""",
                first,
                last,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _job_profiles(self, first, last):
        ids = self._customers(first, last)
        return self.env["retention.profile"]._chunk_profiles(ids) if ids else 0

    @api.model
    def _job_predictions(self, first, last):
        ids = self._customers(first, last)
        return self.env["retention.profile"]._chunk_predictions(ids) if ids else 0

    @api.model
    def _job_cadence(self, first, last):
        """The rules between the bounds, in a transaction of their own: a rule
        commits each batch, while this one holds the chunk until it is done."""
        ids = self.env["retention.cadence"].search([("id", ">=", first), ("id", "<=", last)]).ids
        if not ids:
            return 0
        with self.env.registry.cursor() as cr:
            rules = self.env(cr=cr)["retention.cadence"].browse(ids)
            return rules._cron_schedule_followups(cadences=rules)

    @api.model
    def _cron_help(self):
        """Scheduled action of the helpers: take chunks of any run while there are."""
        while self._take_one():
            pass
        return True
