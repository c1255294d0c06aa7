"""The loyalty engine: recomputes tiers, key accounts, satisfaction and
advocacy stages with a fixed number of set-based SQL statements, whatever the
number of customers (no query per record)."""

import ast
import random
import threading
import time
from functools import partial

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.addons.base.models.res_lang import intersperse
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, get_lang
from odoo.tools.mail import generate_tracking_message_id

PARAM = "retention_loyalty.%s"
DEFAULTS = {
    "evaluation_months": 12,
    "customer_min_score": 7,
    "promoter_min_score": 9,
    "key_account_share": 20,
    # Months between account reviews, by opportunity level.
    "review_months_high": 3,
    "review_months_medium": 6,
    "review_months_low": 12,
}
# Recent answers weigh most: an answer's weight halves every this many days.
FEEDBACK_HALF_LIFE_DAYS = 90
CRON_BATCH_SIZE = 20000
ANALYZE_AFTER = 1000  # changed profiles
ENGINE_FIELDS = [
    "loyalty_tier_id",
    "loyalty_revenue",
    "loyalty_order_count",
    "lifetime_revenue",
    "first_order_date",
    "last_order_date",
    "is_key_account",
    "satisfaction_score",
    "nps_category",
    "effort_score",
    "last_feedback_date",
    "advocacy_stage",
    "advocacy_stage_manual",
    "referral_count",
    "referral_revenue",
    "order_interval_days",
    "next_review_date",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _retention_params(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        return {key: int(get(PARAM % key, default)) for key, default in DEFAULTS.items()}

    @api.model
    def _retention_score_thresholds(self):
        params = self._retention_params()
        return params["customer_min_score"], params["promoter_min_score"]

    def _loyalty_release_manual_stage(self):
        if self:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET advocacy_stage_manual = false "
                    "WHERE commercial_partner_id = ANY(%s) AND advocacy_stage_manual",
                    self.ids,
                )
            )
            self.invalidate_model(["advocacy_stage_manual"])

    def _loyalty_recompute(self):
        """Recompute the profiles of these partners' commercial entities and of
        the customers who referred them, then the key-account cut."""
        ids = self.commercial_partner_id.ids
        if not ids:
            return
        self.flush_model()
        self.env["retention.feedback"].flush_model()
        self.env["sale.order"].flush_model(["state", "partner_id", "date_order", "amount_untaxed"])
        self.env.cr.execute(
            SQL(
                "SELECT array_agg(DISTINCT ref.commercial_partner_id) FROM res_partner p "
                "JOIN res_partner ref ON ref.id = p.referred_by_id WHERE p.id = ANY(%s)",
                ids,
            )
        )
        ids = list(set(ids) | set(self.env.cr.fetchone()[0] or []))
        self._loyalty_update_profiles(ids)
        self._loyalty_update_key_accounts()

    @api.model
    def _cron_recompute_loyalty_profiles(self):
        """Scheduled action: every commercial partner, in committed batches."""
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id = commercial_partner_id ORDER BY id"
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        cron = self.env["ir.cron"]
        changed = 0
        for start in range(0, len(ids), CRON_BATCH_SIZE):
            batch = ids[start : start + CRON_BATCH_SIZE]
            changed += self._loyalty_retrying(partial(self._loyalty_update_profiles, batch))
            done = min(start + CRON_BATCH_SIZE, len(ids))
            cron._notify_progress(done=done, remaining=len(ids) - done)
            self._loyalty_commit()
        self._loyalty_retrying(self._loyalty_update_key_accounts)
        if changed >= ANALYZE_AFTER:
            # Many stages and tiers moved: refresh the planner's statistics now,
            # or the kanban columns are planned for yesterday's stages until
            # autovacuum passes (a 150 ms column read instead of 30 ms).
            self.env.cr.execute("ANALYZE res_partner")
        self._loyalty_commit()

    def _loyalty_may_commit(self):
        return not (
            getattr(threading.current_thread(), "testing", False)
            or self.env.context.get("retention_no_commit")
        )

    def _loyalty_commit(self):
        # Each batch stands alone: commit it so a crash loses nothing done.
        if self._loyalty_may_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _loyalty_retrying(self, function):
        """function(), redone on fresh data when PostgreSQL refuses it because a
        user saved one of its customers meanwhile (serialization failure), as
        Odoo redoes a web request: neither change is lost. Odoo's own
        `retrying` would commit, which a caller's transaction may forbid."""
        for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                return function()
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                if attempt == MAX_TRIES_ON_CONCURRENCY_FAILURE or not self._loyalty_may_commit():
                    raise
                self.env.cr.rollback()  # pylint: disable=invalid-commit
                self.env.reset()
                time.sleep(random.uniform(0.0, 2**attempt))

    @api.model
    def _loyalty_update_profiles(self, ids):
        """Write the profile of the commercial partners `ids` (and mirror it on
        their contacts); log tier and stage changes in their chatter."""
        params = self._retention_params()
        today = fields.Date.context_today(self)
        query = SQL(
            """
WITH targets AS (
    SELECT id FROM res_partner WHERE id = ANY(%(ids)s) AND id = commercial_partner_id
), referees AS (
    SELECT r.id, ref.commercial_partner_id AS referrer_id
      FROM res_partner r JOIN res_partner ref ON ref.id = r.referred_by_id
     WHERE ref.commercial_partner_id IN (SELECT id FROM targets)
       AND r.id = r.commercial_partner_id
), orders AS (
    SELECT buyer.commercial_partner_id AS partner_id,
           SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
               FILTER (WHERE o.date_order >= %(start)s) AS revenue,
           COUNT(*) FILTER (WHERE o.date_order >= %(start)s) AS order_count,
           COUNT(*) AS lifetime_count,
           SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)) AS lifetime_revenue,
           MIN(o.date_order)::date AS first_date,
           MAX(o.date_order)::date AS last_date
      FROM sale_order o JOIN res_partner buyer ON buyer.id = o.partner_id
     WHERE o.state = 'sale'
       AND buyer.commercial_partner_id IN (SELECT id FROM targets UNION SELECT id FROM referees)
  GROUP BY buyer.commercial_partner_id
), answers AS (
    SELECT f.commercial_partner_id AS partner_id, f.score, NULLIF(f.effort_score, 0) AS effort,
           f.date, power(0.5, (%(today)s - f.date) / %(half_life)s::float) AS weight,
           f.date >= %(start)s AS in_window,
           bool_or(f.date >= %(start)s) OVER w AS any_in_window,
           row_number() OVER (w ORDER BY f.date DESC, f.id DESC) AS recency
      FROM retention_feedback f
     WHERE f.commercial_partner_id IN (SELECT id FROM targets)
    WINDOW w AS (PARTITION BY f.commercial_partner_id)
), feedback AS (
    -- Answers in the window, recent ones weighing most; else the latest answer.
    SELECT partner_id,
           SUM(score * weight) / SUM(weight) AS score,
           SUM(effort * weight) / NULLIF(SUM(weight) FILTER (WHERE effort IS NOT NULL), 0)
               AS effort,
           MAX(date) AS last_date
      FROM answers
     WHERE in_window OR (NOT any_in_window AND recency = 1)
  GROUP BY partner_id
), referrals AS (
    SELECT r.referrer_id AS partner_id, COUNT(*) AS referral_count,
           COALESCE(SUM(o.lifetime_revenue), 0) AS referral_revenue,
           bool_or(o.partner_id IS NOT NULL) AS has_buying_referral
      FROM referees r LEFT JOIN orders o ON o.partner_id = r.id
  GROUP BY r.referrer_id
), profile AS (
    SELECT p.id,
           COALESCE(o.revenue, 0) AS revenue,
           COALESCE(o.order_count, 0) AS order_count,
           COALESCE(o.lifetime_revenue, 0) AS lifetime_revenue,
           o.first_date, o.last_date,
           round(f.score::numeric, 1) AS score,
           round(f.effort::numeric, 1) AS effort,
           f.last_date AS feedback_date,
           COALESCE(r.referral_count, 0) AS referral_count,
           COALESCE(r.referral_revenue, 0) AS referral_revenue,
           CASE WHEN o.lifetime_count > 1 THEN
               round((o.last_date - o.first_date)::numeric / (o.lifetime_count - 1))::int
           END AS order_interval,
           COALESCE(p.last_review_date, o.first_date) + make_interval(months =>
               CASE p.opportunity_level WHEN 'high' THEN %(review_high)s
                                        WHEN 'low' THEN %(review_low)s
                                        ELSE %(review_medium)s END) AS next_review,
           CASE WHEN p.loyalty_tier_locked THEN p.loyalty_tier_id ELSE (
               SELECT t.id FROM retention_tier t
                WHERE t.active
                  AND (t.company_id IS NULL OR t.company_id = COALESCE(p.company_id, %(company)s))
                  AND COALESCE(o.revenue, 0) >= COALESCE(t.min_revenue, 0)
                  AND COALESCE(o.order_count, 0) >= COALESCE(t.min_order_count, 0)
                  AND COALESCE(%(today)s - o.first_date, 0) >= COALESCE(t.min_tenure_days, 0)
             ORDER BY t.sequence DESC, t.id DESC LIMIT 1) END AS tier_id,
           CASE WHEN f.score IS NULL THEN NULL
                WHEN f.score >= %(promoter_min)s THEN 'promoter'
                WHEN f.score >= %(customer_min)s THEN 'passive'
                ELSE 'detractor' END AS nps_category,
           CASE WHEN p.advocacy_stage_manual THEN p.advocacy_stage
                WHEN f.score IS NULL THEN 'new'
                WHEN f.score < %(customer_min)s THEN 'detractor'
                WHEN f.score < %(promoter_min)s THEN 'customer'
                WHEN p.reference_consent OR r.has_buying_referral THEN 'advocate'
                ELSE 'promoter' END AS stage
      FROM res_partner p
      JOIN targets ON targets.id = p.id
 LEFT JOIN orders o ON o.partner_id = p.id
 LEFT JOIN feedback f ON f.partner_id = p.id
 LEFT JOIN referrals r ON r.partner_id = p.id
)
UPDATE res_partner p
   SET loyalty_tier_id = n.tier_id,
       loyalty_revenue = n.revenue,
       loyalty_order_count = n.order_count,
       lifetime_revenue = n.lifetime_revenue,
       first_order_date = n.first_date,
       last_order_date = n.last_date,
       satisfaction_score = n.score,
       nps_category = n.nps_category,
       effort_score = n.effort,
       last_feedback_date = n.feedback_date,
       advocacy_stage = n.stage,
       referral_count = n.referral_count,
       referral_revenue = n.referral_revenue,
       order_interval_days = n.order_interval,
       next_review_date = n.next_review
  FROM profile n, res_partner old
 WHERE p.commercial_partner_id = n.id AND old.id = p.id
   AND (p.loyalty_tier_id, p.loyalty_revenue, p.loyalty_order_count, p.lifetime_revenue,
        p.first_order_date,
        p.last_order_date, p.satisfaction_score, p.nps_category, p.effort_score,
        p.last_feedback_date, p.advocacy_stage, p.referral_count, p.referral_revenue,
        p.order_interval_days, p.next_review_date)
       IS DISTINCT FROM
       (n.tier_id, n.revenue, n.order_count, n.lifetime_revenue, n.first_date, n.last_date,
        n.score,
        n.nps_category, n.effort, n.feedback_date, n.stage, n.referral_count,
        n.referral_revenue, n.order_interval, n.next_review::date)
RETURNING p.id, old.loyalty_tier_id, p.loyalty_tier_id, old.advocacy_stage,
          p.advocacy_stage, n.revenue, n.order_count, %(today)s - n.first_date, n.score
""",
            ids=ids,
            start=today - relativedelta(months=params["evaluation_months"]),
            today=today,
            half_life=FEEDBACK_HALF_LIFE_DAYS,
            company=self.env.company.id,
            customer_min=params["customer_min_score"],
            promoter_min=params["promoter_min_score"],
            review_high=params["review_months_high"],
            review_medium=params["review_months_medium"],
            review_low=params["review_months_low"],
        )
        self.env.cr.execute(query)
        # Log on the commercial entities only, not on each contact mirroring them.
        commercial = set(ids)
        changes = [row for row in self.env.cr.fetchall() if row[0] in commercial]
        self.invalidate_model(ENGINE_FIELDS)
        self._loyalty_log_changes(changes, params)
        return len(changes)

    @api.model
    def _loyalty_update_key_accounts(self):
        """The top share of customers by revenue in the window are key accounts."""
        share = self._retention_params()["key_account_share"]
        self.env.cr.execute(
            SQL(
                """
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY loyalty_revenue DESC, id) AS rank,
           count(*) OVER () AS total
      FROM res_partner
     WHERE id = commercial_partner_id AND active AND loyalty_revenue > 0
), cut AS (
    SELECT c.id, COALESCE(k.rank <= ceil(k.total * %(share)s / 100.0), false) AS is_key
      FROM res_partner c LEFT JOIN ranked k ON k.id = c.id
     WHERE c.id = c.commercial_partner_id
)
UPDATE res_partner p SET is_key_account = cut.is_key
  FROM cut
 WHERE p.commercial_partner_id = cut.id AND p.is_key_account IS DISTINCT FROM cut.is_key
""",
                share=share,
            )
        )
        self.invalidate_model(["is_key_account"])

    @api.model
    def _loyalty_log_changes(self, changes, params):
        """One chatter note per tier or stage change, saying why."""
        tiers = {
            tier.id: tier
            for tier in self.env["retention.tier"].with_context(active_test=False).search([])
        }
        stages = dict(self._fields["advocacy_stage"]._description_selection(self.env))
        money = self._loyalty_money_formatter()
        bodies = {}
        moves = []
        for partner_id, old_tier, tier, old_stage, stage, revenue, orders, tenure, score in changes:
            lines = []
            if old_tier != tier:
                moves.append((partner_id, old_tier, tier))
                measures = {"revenue": revenue, "orders": orders, "tenure": tenure or 0}
                lines.append(
                    self._loyalty_tier_reason(
                        tiers.get(old_tier), tiers.get(tier), measures, params, money
                    )
                )
            if old_stage != stage:
                lines.append(
                    self.env._(
                        "Advocacy stage: %(old)s → %(new)s (satisfaction %(score)s).",
                        old=stages.get(old_stage, old_stage),
                        new=stages[stage],
                        score=score if score is not None else self.env._("none yet"),
                    )
                )
            if lines:
                bodies[partner_id] = Markup("<br/>").join(lines)
        if bodies:
            self._loyalty_log_notes(bodies)
        if moves:
            self._loyalty_log_tier_history(moves, tiers)

    @api.model
    def _loyalty_money_formatter(self):
        """format_amount with the language and currency looked up once: it
        costs 0.2 ms a call otherwise (40 s for a first recompute of 100,000
        customers). Same output: grouping, separators, symbol, no-break spaces."""
        currency = self.env.company.currency_id
        lang = get_lang(self.env)
        grouping = ast.literal_eval(lang.grouping)
        fmt = f"%.{currency.decimal_places}f"
        nbsp = "\N{NO-BREAK SPACE}"

        def money(amount):
            integer, _point, decimals = (fmt % currency.round(amount)).partition(".")
            text = intersperse(integer, grouping, lang.thousands_sep or "")[0]
            if decimals:
                text += lang.decimal_point + decimals
            text = text.replace(" ", nbsp).replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            symbol = currency.symbol or ""
            return (
                f"{symbol}{nbsp}{text}"
                if currency.position == "before"
                else f"{text}{nbsp}{symbol}"
            )

        return money

    @api.model
    def _loyalty_log_notes(self, bodies):
        """The notes of _message_log_batch, in one INSERT: a first recompute of
        100,000 customers logs 200,000 of them (50 s through the ORM, 2 s so)."""
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        ids = list(bodies)
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message (model, res_id, body, author_id, email_from,
                                            reply_to, message_type, is_internal, subtype_id,
                                            email_add_signature, message_id, date,
                                            create_uid, write_uid, create_date, write_date)
                   SELECT 'res.partner', v.res_id, v.body, %(author)s, %(email_from)s,
                          %(reply_to)s, 'notification', true, %(subtype)s, false,
                          %(message_id)s, now() AT TIME ZONE 'UTC', %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS v(res_id, body)""",
                author=author_id or None,
                email_from=email_from or None,
                reply_to=self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
                or None,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                message_id=generate_tracking_message_id("message-notify"),
                uid=self.env.uid,
                ids=ids,
                bodies=[str(escape(bodies[partner_id])) for partner_id in ids],
            )
        )
        self.env["mail.message"].invalidate_model()

    @api.model
    def _loyalty_log_tier_history(self, moves, tiers):
        """One retention.tier.history row per tier change, in one statement."""

        def rank(tier_id):
            tier = tiers.get(tier_id)
            return (tier.sequence, tier.id) if tier else (-1, 0)

        self.env.cr.execute(
            SQL(
                """INSERT INTO retention_tier_history (partner_id, date, old_tier_id, new_tier_id,
                                                      is_upgrade, create_uid, write_uid,
                                                      create_date, write_date)
                   SELECT v.partner_id, %(today)s, v.old_tier, v.new_tier, v.up, %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(partners)s::int[], %(old)s::int[], %(new)s::int[],
                                 %(up)s::bool[]) AS v(partner_id, old_tier, new_tier, up)""",
                today=fields.Date.context_today(self),
                uid=self.env.uid,
                partners=[move[0] for move in moves],
                old=[move[1] for move in moves],
                new=[move[2] for move in moves],
                up=[rank(move[2]) > rank(move[1]) for move in moves],
            )
        )

    @api.model
    def _loyalty_tier_reason(self, old, new, measures, params, money):
        months = params["evaluation_months"]
        revenue, orders, tenure = measures["revenue"], measures["orders"], measures["tenure"]
        # Upgrade: the new tier's thresholds are met; downgrade: the old one's are not.
        tier, met = (
            (new, True) if new and (not old or new.sequence >= old.sequence) else (old, False)
        )
        checks = [
            (
                revenue,
                tier.min_revenue,
                self.env._(
                    "revenue %(months)s months: %(value)s", months=months, value=money(revenue)
                ),
                money(tier.min_revenue),
            ),
            (
                orders,
                tier.min_order_count,
                self.env._("orders %(months)s months: %(value)s", months=months, value=orders),
                tier.min_order_count,
            ),
            (
                tenure,
                tier.min_tenure_days,
                self.env._("customer for %(value)s days", value=tenure),
                tier.min_tenure_days,
            ),
        ]
        reasons = [
            self.env._(
                "%(measure)s %(sign)s %(tier)s threshold %(limit)s",
                measure=label,
                sign="≥" if met else "<",
                tier=tier.name,
                limit=limit,
            )
            for value, threshold, label, limit in checks
            if threshold and (value >= threshold) == met
        ]
        return self.env._(
            "Loyalty tier: %(old)s → %(new)s (%(reason)s).",
            old=old.name if old else self.env._("none"),
            new=new.name if new else self.env._("none"),
            reason="; ".join(reasons) or self.env._("no threshold"),
        )
