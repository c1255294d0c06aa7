"""The loyalty engine: recomputes tiers, key accounts, satisfaction and
advocacy stages with a fixed number of set-based SQL statements, whatever the
number of customers (no query per record)."""

import random
import time
from functools import partial

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from .res_partner_loyalty_sql import KEY_ACCOUNT_QUERY, PROFILE_QUERY, profile_query_parts
from .retention_feedback import nps_category_sql
from .retention_profile import PROFILE_FIELDS

# Recent answers weigh most: an answer's weight halves every this many days.
FEEDBACK_HALF_LIFE_DAYS = 90
CRON_BATCH_SIZE = 20000
ANALYZE_AFTER = 1000  # changed profiles


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _loyalty_release_manual_stage(self, companies):
        """New feedback in these companies ends the stage a rep set by hand there."""
        if self:
            self.env["retention.profile"].flush_model()
            self.env.cr.execute(
                SQL(
                    "UPDATE retention_profile SET advocacy_stage_manual = false "
                    "WHERE partner_id = ANY(%s) AND company_id = ANY(%s) AND advocacy_stage_manual",
                    self.ids,
                    companies.ids,
                )
            )
            self.env["retention.profile"].invalidate_model(["advocacy_stage_manual"])
            self.invalidate_model(PROFILE_FIELDS)

    def _loyalty_recompute(self):
        """Recompute, in every company, the profiles of these partners'
        commercial entities and of the customers who referred them. Only these
        customers are read and written: each is compared with its company's
        key-account cut-off, which the nightly recompute sets."""
        ids = self.commercial_partner_id.ids
        if not ids:
            return
        self._loyalty_flush_inputs()
        self.env.cr.execute(
            SQL(
                "SELECT array_agg(DISTINCT ref.commercial_partner_id) FROM res_partner p "
                "JOIN res_partner ref ON ref.id = p.referred_by_id WHERE p.id = ANY(%s)",
                ids,
            )
        )
        ids = list(set(ids) | set(self.env.cr.fetchone()[0] or []))
        self._loyalty_update_profiles(ids)

    def _loyalty_flush_inputs(self):
        self.env["res.partner"].flush_model(
            ["referred_by_id", "commercial_partner_id", "company_id", "active"]
        )
        self.env["retention.feedback"].flush_model()
        self.env["retention.profile"].flush_model()
        self.env["retention.purchase"]._flush_purchases()

    @api.model
    def _cron_recompute_loyalty_profiles(self):
        """Scheduled action: every customer in every company, in committed
        batches, then each company's key-account cut."""
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id = commercial_partner_id ORDER BY id"
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        cron = self.env["ir.cron"]
        changed = 0
        self._loyalty_flush_inputs()
        self.env["retention.engine"]._commit()
        for start in range(0, len(ids), CRON_BATCH_SIZE):
            batch = ids[start : start + CRON_BATCH_SIZE]
            changed += self._loyalty_retrying(
                partial(self._loyalty_update_profiles, batch, key_cut=False)
            )
            done = min(start + CRON_BATCH_SIZE, len(ids))
            cron._notify_progress(done=done, remaining=len(ids) - done)
            self.env["retention.engine"]._commit()
        self._loyalty_retrying(self._loyalty_update_key_accounts)
        if changed >= ANALYZE_AFTER:
            # Many stages and tiers moved (and new customers got their customer
            # rank): refresh the planner's statistics now,
            # or the kanban columns are planned for yesterday's stages until
            # autovacuum passes (a 150 ms column read instead of 30 ms).
            self.env.cr.execute("ANALYZE retention_profile, res_partner")
        self.env["retention.engine"]._commit()

    def _loyalty_retrying(self, function):
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
    def _loyalty_update_profiles(self, ids, key_cut=True):
        """Write the profiles of the commercial partners `ids` in each company
        they trade with (a confirmed order, an answer or a profile there); log
        tier and stage changes in their chatter. Returns how many changed."""
        params = self.env["retention.engine"]._settings()
        today = fields.Date.context_today(self)
        window = relativedelta(months=params["evaluation_months"])
        self.env.cr.execute(
            SQL(
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
                purchases=self.env["retention.purchase"]._purchases_sql(
                    SQL("SELECT id FROM targets UNION SELECT id FROM referees")
                ),
                **profile_query_parts(),
            )
        )
        changes = self.env.cr.fetchall()
        self.env["retention.profile"].invalidate_model()
        self.invalidate_model(PROFILE_FIELDS)
        uncut = {row[-1] for row in changes if row[-1]}
        if key_cut and uncut:
            # A company never cut yet (new database, new company): cut it once.
            self._loyalty_update_key_accounts(list(uncut))
        self._loyalty_log_changes([row[:-1] for row in changes], params)
        self._health_update_profiles(ids, params)
        return len(changes)

    @api.model
    def _loyalty_update_key_accounts(self, company_ids=None):
        """In each company, the top share of its customers by its revenue in the
        window are key accounts; the revenue of the last one is the cut-off
        that immediate recomputes compare with."""
        self.env["retention.profile"].flush_model()
        self.env["res.company"].flush_model(["retention_key_account_cutoff"])
        self.env.cr.execute(
            SQL(
                KEY_ACCOUNT_QUERY,
                share=self.env["retention.engine"]._settings()["key_account_share"],
                all=company_ids is None,
                companies=company_ids or [],
            )
        )
        self.env["retention.profile"].invalidate_model(["is_key_account"])
        self.env["res.company"].invalidate_model(["retention_key_account_cutoff"])
        self.invalidate_model(["is_key_account"])
