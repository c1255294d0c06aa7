"""The loyalty engine, on the model that holds its data: recomputes tiers,
key accounts, satisfaction and advocacy stages with a fixed number of
set-based SQL statements, whatever the number of customers (no query per
record). res.partner keeps the entry points (`_loyalty_recompute`, the
nightly job's former name); the statements are retention_profile_sql.py and
retention_profile_health_sql.py, the chatter notes retention_profile_log.py."""

import random
import time

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from .retention_feedback import nps_category_sql
from .retention_profile import PROFILE_FIELDS
from .retention_profile_sql import KEY_ACCOUNT_QUERY, PROFILE_QUERY, profile_query_parts

# Recent answers weigh most: an answer's weight halves every this many days.
FEEDBACK_HALF_LIFE_DAYS = 90
CRON_BATCH_SIZE = 20000
ANALYZE_AFTER = 1000  # changed profiles


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    @api.model
    def _release_manual_stage(self, partner_ids, companies):
        """New feedback in these companies ends the stage a rep set by hand there."""
        if partner_ids:
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    "UPDATE retention_profile SET advocacy_stage_manual = false "
                    "WHERE partner_id = ANY(%s) AND company_id = ANY(%s) AND advocacy_stage_manual",
                    partner_ids,
                    companies.ids,
                )
            )
            self.invalidate_model(["advocacy_stage_manual"])
            self.env["res.partner"].invalidate_model(PROFILE_FIELDS)

    @api.model
    def _recompute_customers(self, ids):
        """Recompute, in every company, the profiles of the commercial partners
        `ids` and of the customers who referred them. Only these customers
        are read and written: each is compared with its company's key-account
        cut-off, which the nightly recompute sets."""
        if not ids:
            return
        self._flush_inputs()
        self.env.cr.execute(
            SQL(
                "SELECT array_agg(DISTINCT ref.commercial_partner_id) FROM res_partner p "
                "JOIN res_partner ref ON ref.id = p.referred_by_id WHERE p.id = ANY(%s)",
                ids,
            )
        )
        ids = list(set(ids) | set(self.env.cr.fetchone()[0] or []))
        self._update_profiles(ids)

    @api.model
    def _flush_inputs(self):
        self.env["res.partner"].flush_model(
            ["referred_by_id", "commercial_partner_id", "company_id", "active"]
        )
        self.env["retention.feedback"].flush_model()
        # A tier edited in this transaction (its thresholds) counts at once.
        self.env["retention.tier"].flush_model()
        self.flush_model()
        self.env["retention.purchase"]._flush_purchases()

    @api.model
    def _cron_recompute(self):
        """Scheduled action: every customer in every company, in committed
        chunks that several cron workers may share (retention_chunk.py), then
        each company's key-account cut and fit, then the predictions."""
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id = commercial_partner_id ORDER BY id"
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        cron = self.env["ir.cron"]
        Chunk = self.env["retention.chunk"]
        self._flush_inputs()
        self.env["retention.engine"]._commit()

        def progress(done, total):
            cron._notify_progress(done=done, remaining=total - done)

        changed = Chunk._work(Chunk._plan("profiles", ids, CRON_BATCH_SIZE), progress)
        self._retrying(self._update_key_accounts)
        # Members without a card code (theirs removed by hand, or members
        # from before codes were given with the tier).
        self._retrying(self._give_member_cards)
        self.env["retention.engine"]._commit()
        # Each company's purchase rhythm, fitted on today's profiles, then
        # every customer's predictions from it.
        self._prediction_fit()
        self.env["retention.engine"]._commit()
        Chunk._work(Chunk._plan("predictions", ids, CRON_BATCH_SIZE))
        if changed >= ANALYZE_AFTER:
            # Many stages and tiers moved (and new customers got their customer
            # rank): refresh the planner's statistics now,
            # or the kanban columns are planned for yesterday's stages until
            # autovacuum passes (a 150 ms column read instead of 30 ms).
            self.env.cr.execute("ANALYZE retention_profile, res_partner")
        self.env["retention.engine"]._commit()

    # The jobs of the chunks (retention_chunk.py): how many profiles changed.

    @api.model
    def _chunk_profiles(self, ids):
        return self._update_profiles(ids, key_cut=False, predict=False)

    @api.model
    def _chunk_predictions(self, ids):
        self._prediction_update(ids, self.env["retention.engine"]._settings())
        return 0

    @api.model
    def _retrying(self, function):
        """function(), redone on fresh data when PostgreSQL refuses it because a
        user saved one of its customers meanwhile (serialization failure), as
        Odoo redoes a web request: neither change is lost. Odoo's own
        `retrying` would commit, which a caller's transaction may forbid."""
        for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                return function()
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                if (
                    attempt == MAX_TRIES_ON_CONCURRENCY_FAILURE
                    or self.env["retention.engine"]._in_test_mode()
                ):
                    raise
                self.env.cr.rollback()  # pylint: disable=invalid-commit
                self.env.reset()
                time.sleep(random.uniform(0.0, 2**attempt))

    @api.model
    def _profile_query(self, ids, params):
        """The profile statement of the commercial partners `ids` (an SQL
        object: print it or EXPLAIN it from a shell). Reads every purchase
        channel, the answers, the referrals and the tiers; writes
        retention_profile and res_partner.customer_rank."""
        today = self.env["retention.engine"]._today()
        window = relativedelta(months=params["evaluation_months"])
        return SQL(
            PROFILE_QUERY,
            ids=ids,
            start=today - window,
            previous_start=today - 2 * window,
            today=today,
            half_life=FEEDBACK_HALF_LIFE_DAYS,
            nps_category=nps_category_sql(
                SQL("s.score"), params["customer_min_score"], params["promoter_min_score"]
            ),
            customer_min=params["customer_min_score"],
            promoter_min=params["promoter_min_score"],
            review_high=params["review_months_high"],
            review_medium=params["review_months_medium"],
            review_low=params["review_months_low"],
            uid=self.env.uid,
            grace=params["tier_grace_days"],
            purchases=self.env["retention.purchase"]._purchases_sql(
                SQL("SELECT id FROM targets UNION SELECT id FROM referees")
            ),
            **profile_query_parts(),
        )

    @api.model
    def _update_profiles(self, ids, key_cut=True, predict=True):
        """Write the profiles of the commercial partners `ids` in each company
        they trade with (a purchase, an answer or a profile there); log tier
        and stage changes in their chatter. Returns how many changed."""
        params = self.env["retention.engine"]._settings()
        self.env.cr.execute(self._profile_query(ids, params))
        changes = self.env.cr.fetchall()
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(PROFILE_FIELDS)
        uncut = {row[-1] for row in changes if row[-1]}
        if key_cut and uncut:
            # A company never cut yet (new database, new company): cut it once.
            self._update_key_accounts(list(uncut))
        self._log_changes([row[:-1] for row in changes], params)
        # A new tier's member gets their card code (tier moves only: a run
        # that moves nothing reads nothing more).
        self._give_member_cards(
            [(row[0], row[1]) for row in changes if row[3] and row[3] != row[2]]
        )
        self._health_update(ids, params)
        if predict:
            self._prediction_update(ids, params)
        return len(changes)

    @api.model
    def _update_key_accounts(self, company_ids=None):
        """In each company, the top share of its customers by its revenue in the
        window are key accounts; the revenue of the last one is the cut-off
        that immediate recomputes compare with."""
        self.flush_model()
        self.env["res.company"].flush_model(["retention_key_account_cutoff"])
        self.env.cr.execute(
            SQL(
                KEY_ACCOUNT_QUERY,
                share=self.env["retention.engine"]._settings()["key_account_share"],
                all=company_ids is None,
                companies=company_ids or [],
            )
        )
        self.invalidate_model(["is_key_account"])
        self.env["res.company"].invalidate_model(["retention_key_account_cutoff"])
        self.env["res.partner"].invalidate_model(["is_key_account"])
