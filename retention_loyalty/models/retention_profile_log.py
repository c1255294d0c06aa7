"""The loyalty engine's account of what it changed: one chatter note per
tier or stage change saying why (in the company's currency), on the
customer's chatter, and one tier history row per tier move, each in one
statement."""

import ast

from markupsafe import Markup, escape

from odoo import api, models
from odoo.addons.base.models.res_lang import intersperse
from odoo.tools import SQL, format_date, get_lang
from odoo.tools.mail import generate_tracking_message_id


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    @api.model
    def _log_changes(self, changes, params):
        """One chatter note per tier or stage change, saying why, in the
        figures of the company whose profile changed (named when there are
        several: the partner's chatter is shared)."""
        # A tier or stage change, or a tier the grace period starts keeping.
        changes = [
            row
            for row in changes
            if row[2] != row[3] or row[4] != row[5] or (row[13] and row[13] != row[12])
        ]
        if not changes:  # figures only: nothing to tell
            return
        # Every company's tiers, whoever saved: a sale in company A recomputes
        # the customer's profile in company B too, under B's tiers.
        tiers = {
            tier.id: tier
            for tier in self.env["retention.tier"].sudo().with_context(active_test=False).search([])
        }
        companies = self.env["res.company"].sudo()
        several = companies.search_count([], limit=2) > 1
        langs = self._note_languages(changes)
        in_lang, formatters = {}, {}
        notes = []
        moves = []
        for row in changes:
            partner_id, company_id, old_tier, tier, old_stage, stage, *measures = row
            revenue, orders, tenure, score, rule, qualified, old_kept, kept = measures
            company = companies.browse(company_id)
            # The note reads in the salesperson's language, else the company's.
            lang = langs.get((partner_id, company_id)) or self.env.lang or "en_US"
            if lang not in in_lang:
                local = self.with_context(lang=lang)  # this model, in the note's language
                in_lang[lang] = (
                    local,
                    dict(self._fields["advocacy_stage"]._description_selection(local.env)),
                )
            local, stages = in_lang[lang]
            lines = []
            if (company_id, lang) not in formatters:
                formatters[company_id, lang] = local._money_formatter(company.currency_id)
            figures = {"revenue": revenue, "orders": orders, "tenure": tenure or 0}
            if old_tier != tier:
                stepped = rule == "stepped"
                moves.append(
                    (
                        partner_id,
                        company_id,
                        old_tier,
                        tier,
                        "grace_ended" if stepped else "thresholds",
                    )
                )
                lines.append(
                    local._tier_reason(
                        tiers.get(old_tier) and tiers[old_tier].with_env(local.env),
                        tiers.get(tier) and tiers[tier].with_env(local.env),
                        figures,
                        params,
                        formatters[company_id, lang],
                        grace_ended=stepped and old_kept,
                    )
                )
            if rule in ("kept", "stepped") and kept and kept != old_kept:
                if old_tier == tier and not old_kept:
                    # One history row per grace period: a new date (the grace
                    # days changed in Settings) is told in the chatter only.
                    moves.append((partner_id, company_id, tier, tier, "kept"))
                lines.append(
                    local._tier_kept_reason(
                        tiers[tier].with_env(local.env),
                        tiers.get(qualified) and tiers[qualified].with_env(local.env),
                        figures,
                        params,
                        formatters[company_id, lang],
                        kept_until=kept,
                    )
                )
            if old_stage != stage:
                lines.append(
                    local.env._(
                        "Advocacy stage: %(old)s → %(new)s (satisfaction %(score)s).",
                        old=stages.get(old_stage, old_stage),
                        new=stages[stage],
                        score=score if score is not None else local.env._("none yet"),
                    )
                )
            if lines:
                head = [Markup("<b>%s</b>") % company.name] if several else []
                notes.append((partner_id, company_id, Markup("<br/>").join(head + lines)))
        if notes:
            self._log_notes(notes, several)
        if moves:
            self._log_tier_history(moves, tiers)

    @api.model
    def _note_languages(self, changes):
        """{(partner id, company id): the language of the partner's salesperson,
        else the company's}, in one query."""
        # A salesperson set in this transaction counts (read in SQL below).
        self.env["res.partner"].flush_model(["user_id", "lang"])
        self.env["res.users"].flush_model(["partner_id"])
        self.env.cr.execute(
            SQL(
                """SELECT v.partner_id, v.company_id, COALESCE(up.lang, cp.lang)
                     FROM unnest(%s::int[], %s::int[]) AS v(partner_id, company_id)
                     JOIN res_partner p ON p.id = v.partner_id
                     JOIN res_company c ON c.id = v.company_id
                     JOIN res_partner cp ON cp.id = c.partner_id
                LEFT JOIN res_users u ON u.id = p.user_id
                LEFT JOIN res_partner up ON up.id = u.partner_id""",
                [row[0] for row in changes],
                [row[1] for row in changes],
            )
        )
        return {(partner, company): lang for partner, company, lang in self.env.cr.fetchall()}

    @api.model
    def _money_formatter(self, currency=None):
        """format_amount with the language and currency looked up once: it
        costs 0.2 ms a call otherwise (40 s for a first recompute of 100,000
        customers). Same output: grouping, separators, symbol, no-break spaces."""
        currency = currency or self.env.company.currency_id
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
    def _log_notes(self, notes, several=None):
        """[(partner id, company id, body)]: the notes of _message_log_batch,
        in one INSERT (a first recompute of 100,000 customers logs 200,000 of
        them: 50 s through the ORM, 2 s so). A note tells one company's figures:
        it goes on the customer's chatter when no other company can read it
        (one company, or a customer of that company only), else on the
        customer's profile in that company, whose rules keep it there.
        `several`: whether the database has several companies, if known."""
        if not notes:
            return
        self.flush_model(["partner_id", "company_id"])
        self.env["res.partner"].flush_model(["company_id"])
        author_id, email_from = self.env["res.partner"]._message_compute_author(
            raise_on_email=False
        )
        if self.env.user.share:
            # A customer's answer on a public page or their portal: the engine
            # writes, not "Public user".
            root = self.env.ref("base.partner_root")
            author_id, email_from = root.id, root.email_formatted
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message (model, res_id, body, author_id, email_from,
                                            reply_to, message_type, is_internal, subtype_id,
                                            email_add_signature, message_id, date,
                                            create_uid, write_uid, create_date, write_date)
                   SELECT CASE WHEN on_profile THEN 'retention.profile' ELSE 'res.partner' END,
                          CASE WHEN on_profile THEN pr.id ELSE v.partner_id END,
                          v.body, %(author)s, %(email_from)s,
                          %(reply_to)s, 'notification', true, %(subtype)s, false,
                          %(message_id)s, now() AT TIME ZONE 'UTC', %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%(ids)s::int[], %(companies)s::int[], %(bodies)s::text[])
                          AS v(partner_id, company_id, body)
                     JOIN res_partner p ON p.id = v.partner_id
                LEFT JOIN retention_profile pr ON pr.partner_id = v.partner_id
                                              AND pr.company_id = v.company_id
                    CROSS JOIN LATERAL (
                          SELECT %(several)s AND p.company_id IS NULL AND pr.id IS NOT NULL
                                 AS on_profile) route""",
                author=author_id or None,
                email_from=email_from or None,
                reply_to=self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
                or None,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                message_id=generate_tracking_message_id("message-notify"),
                uid=self.env.uid,
                ids=[note[0] for note in notes],
                companies=[note[1] for note in notes],
                bodies=[str(escape(note[2])) for note in notes],
                several=several
                if several is not None
                else self.env["res.company"].sudo().search_count([], limit=2) > 1,
            )
        )
        self.env["mail.message"].invalidate_model()

    @api.model
    def _log_tier_history(self, moves, tiers):
        """One retention.tier.history row per tier change, or tier the grace
        period keeps: [(partner, company, old tier, new tier, reason)], in one
        statement."""

        def rank(tier_id):
            tier = tiers.get(tier_id)
            return (tier.sequence, tier.id) if tier else (-1, 0)

        self.env.cr.execute(
            SQL(
                """INSERT INTO retention_tier_history (partner_id, company_id, date, old_tier_id,
                                                      new_tier_id, is_upgrade, reason, create_uid,
                                                      write_uid, create_date, write_date)
                   SELECT v.partner_id, v.company_id, %(today)s, v.old_tier, v.new_tier, v.up,
                          v.reason, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
                          now() AT TIME ZONE 'UTC'
                     FROM unnest(%(local)s::int[], %(companies)s::int[], %(old)s::int[],
                                 %(new)s::int[], %(up)s::bool[], %(reasons)s::varchar[])
                          AS v(partner_id, company_id, old_tier, new_tier, up, reason)""",
                today=self.env["retention.engine"]._today(),
                uid=self.env.uid,
                local=[move[0] for move in moves],
                companies=[move[1] for move in moves],
                old=[move[2] for move in moves],
                new=[move[3] for move in moves],
                up=[rank(move[3]) > rank(move[2]) for move in moves],
                reasons=[move[4] for move in moves],
            )
        )

    @api.model
    def _tier_reason(self, old, new, measures, params, money, *, grace_ended=None):
        """Why the tier moved: the thresholds met or missed, and the end of the
        grace period when it ended (`grace_ended`: the day it did)."""
        reason = self._tier_thresholds_reason(old, new, measures, params, money)
        if grace_ended:
            reason = self.env._(
                "%(reason)s The grace period ended on %(date)s.",
                reason=reason,
                date=format_date(self.env, grace_ended),
            )
        return reason

    @api.model
    def _tier_kept_reason(self, tier, qualified, measures, params, money, *, kept_until):
        """The customer is below `tier`'s thresholds and keeps it until `kept_until`."""
        missed = self._threshold_checks(tier, measures, params, money, met=False)
        return self.env._(
            "Loyalty tier %(tier)s kept by the grace period until %(date)s (%(reason)s; "
            "qualifies for %(qualified)s).",
            tier=tier.name,
            date=format_date(self.env, kept_until),
            reason="; ".join(missed),
            qualified=qualified.name if qualified else self.env._("none"),
        )

    @api.model
    def _tier_thresholds_reason(self, old, new, measures, params, money):
        # Upgrade: the new tier's thresholds are met; downgrade: the old one's are not.
        tier, met = (
            (new, True) if new and (not old or new.sequence >= old.sequence) else (old, False)
        )
        return self.env._(
            "Loyalty tier: %(old)s → %(new)s (%(reason)s).",
            old=old.name if old else self.env._("none"),
            new=new.name if new else self.env._("none"),
            reason="; ".join(self._threshold_checks(tier, measures, params, money, met))
            or self.env._("no threshold"),
        )

    @api.model
    def _threshold_checks(self, tier, measures, params, money, met):
        """["revenue 12 months: $ 800 < Silver threshold $ 2,000", ...]: the
        thresholds of `tier` the customer meets (met) or misses."""
        months = params["evaluation_months"]
        revenue, orders, tenure = measures["revenue"], measures["orders"], measures["tenure"]
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
        return [
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
