"""Customer health, on the profile: the engine step that scores a batch (one
statement, retention_profile_health_sql.py), the explanation a rep reads on
the Loyalty tab (one method per factor: `_health_reason_<factor>`), and the
chatter note when a band changes. res.partner shows the explanation and
keeps the entry point `_health_refresh`."""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date, formatLang

from .retention_profile import HEALTH_FACTORS
from .retention_profile_health_sql import (
    COMPLAINT_POINTS,
    HEALTH_QUERY,
    core_factor_sql,
    health_query_parts,
)

MINUS = "\N{MINUS SIGN}"


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    # -- the factors: what another addon extends --------------------------------

    @api.model
    def _health_factors(self):
        """The factors' profile columns, in order. An addon adds one with
        super(): its Float column on retention.profile (`health_<name>`), its
        SQL in `_health_factor_sql`, its weight setting `health_weight_<name>`
        (`retention.engine._settings_defaults()` and a Settings field
        `retention_health_weight_<name>`), its label in
        `_health_factor_labels` and its `_health_reason_<name>`."""
        return list(HEALTH_FACTORS)

    @api.model
    def _health_factor_sql(self, params):
        """{factor: SQL}: each factor's value, 0-100 or NULL without data, over
        `f`, a row of the health statement's `facts` (f.id is the profile,
        f.partner_id the commercial partner, f.company_id its company)."""
        return core_factor_sql(self.env["retention.engine"]._today())

    # -- the engine step -------------------------------------------------------

    @api.model
    def _health_query(self, ids, params):
        """The health statement of the commercial partners `ids` (an SQL object:
        print it or EXPLAIN it from a shell). Reads the profiles, complaints,
        follow-ups and tier history; writes the profiles' health columns and
        retention_health_history."""
        today = self.env["retention.engine"]._today()
        factor_sql = self._health_factor_sql(params)
        return SQL(
            HEALTH_QUERY,
            ids=ids,
            today=today,
            now=fields.Datetime.now(),
            start=today - relativedelta(months=params["evaluation_months"]),
            good=params["health_good_min"],
            poor=params["health_poor_below"],
            customer_min=params["customer_min_score"],
            uid=self.env.uid,
            **health_query_parts(
                {name: factor_sql[name] for name in self._health_factors()},
                self.env["retention.engine"]._health_weights(params),
                params["churn_days"],
            ),
        )

    @api.model
    def _health_update(self, ids, params):
        """Score the profiles of the commercial partners `ids` (already
        recomputed), write the history, and log each change of band."""
        self.flush_model()
        self.env["retention.followup"].flush_model(
            ["state", "date_done", "date_deadline", "activity_id", "partner_id", "company_id"]
        )
        self.env["retention.complaint"].flush_model(
            ["state", "date_deadline", "date_resolved", "date_reported", "company_id"]
        )
        self.env.cr.execute(self._health_query(ids, params))
        changes = self.env.cr.fetchall()
        self.invalidate_model()
        self.env["retention.health.history"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["health_score", "health_band", "health_explanation"]
        )
        if changes:
            self._health_log_band_changes(changes, params)

    def _health_log_band_changes(self, changes, params):
        """One chatter note per change of band, with the factors that moved it
        most, in the salesperson's language (else the company's)."""
        profiles = {
            (profile.partner_id.id, profile.company_id.id): profile
            for profile in self.env["retention.profile"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", [row[0] for row in changes]),
                    ("company_id", "in", list({row[1] for row in changes})),
                ]
            )
        }
        several = self.env["res.company"].sudo().search_count([], limit=2) > 1
        langs = self._note_languages(changes)
        values = self._health_factor_values(
            self.env["retention.profile"].browse([profile.id for profile in profiles.values()])
        )
        notes, in_lang = [], {}
        for partner_id, company_id, old_band, band, old_score, score in changes:
            profile = profiles[partner_id, company_id]
            lang = langs.get((partner_id, company_id)) or self.env.lang or "en_US"
            if lang not in in_lang:
                local = self.with_context(lang=lang)
                in_lang[lang] = (local, local._health_band_labels())
            local, bands = in_lang[lang]
            drops = [
                line
                for line in local._health_lines(profile, values[profile.id], params)
                if line[0] < 0
            ]
            reason = "; ".join(text for _points, text in drops[:2]) or local.env._("no drop")
            line = local.env._(
                "Health: %(old)s → %(new)s (%(old_score)s → %(score)s/100): %(reason)s.",
                old=bands[old_band],
                new=bands[band],
                old_score=local._health_number(old_score or 0),
                score=local._health_number(score),
                reason=reason,
            )
            lines = [Markup("<b>%s</b>") % profile.company_id.name] if several else []
            notes.append((partner_id, company_id, Markup("<br/>").join([*lines, line])))
        self._log_notes(notes, several)

    # -- the explanation ---------------------------------------------------------

    @api.model
    def _health_factor_values(self, profiles):
        """{profile id: {factor: 0-100, or None without data}}: read as stored
        (the ORM reads an empty float as 0, which is a factor's worst value)."""
        profiles.flush_recordset()
        factors = self._health_factors()
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM retention_profile WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in factors),
                profiles.ids,
            )
        )
        return {row[0]: dict(zip(factors, row[1:], strict=True)) for row in self.env.cr.fetchall()}

    def _health_band_labels(self):
        """{band: its name in the environment's language}."""
        field = self.env["retention.profile"]._fields["health_band"]
        return dict(field._description_selection(self.env))

    def _health_explanation_html(self, profile, factors, params):
        items = Markup("").join(
            Markup("<li>%s</li>") % text
            for _points, text in self._health_lines(profile, factors, params)
        )
        labels = self._health_factor_labels()
        missing = [labels[name] for name in self._health_factors() if factors[name] is None]
        if profile.health_band == "new":
            items = Markup("<li>%s</li>") % self._health_new_customer_reason(profile) + items
        footer = (
            Markup("<p class='text-muted mb-0'>%s</p>")
            % self.env._(
                "No data, weight given to the others: %(factors)s.", factors=", ".join(missing)
            )
            if missing
            else ""
        )
        return Markup("<p class='mb-1'><b>%s</b></p><ul class='mb-1'>%s</ul>%s") % (
            self.env._(
                "%(score)s/100, %(band)s",
                # As the gauge beside it prints it: one decimal, the reader's separator.
                score=self._health_number(profile.health_score),
                band=self._health_band_labels()[profile.health_band],
            ),
            items,
            footer,
        )

    def _health_new_customer_reason(self, profile):
        first = profile.first_order_date
        return self.env._(
            "new customer: first order on %(date)s; not At Risk or Poor for buying once "
            "before %(until)s (the usual interval)",
            date=format_date(self.env, first),
            until=format_date(
                self.env, first + relativedelta(days=profile.health_expected_interval + 1)
            ),
        )

    def _health_factor_labels(self):
        env = self.env
        return {
            "health_recency": env._("recency"),
            "health_frequency": env._("frequency"),
            "health_revenue_trend": env._("revenue trend"),
            "health_satisfaction": env._("satisfaction"),
            "health_effort": env._("effort"),
            "health_complaints": env._("complaints"),
            "health_engagement": env._("follow-ups"),
            "health_tier": env._("tier"),
        }

    def _health_lines(self, profile, factors, params):
        """[(points, text)]: each factor with data, its contribution to the
        score (points lost out of 100, by its weight's share among the factors
        with data) and why, largest loss first; then the cap, if any."""
        weights = self.env["retention.engine"]._health_weights(params)
        # A factor weighing nothing says nothing about the score.
        present = [
            name for name in self._health_factors() if factors[name] is not None and weights[name]
        ]
        total = sum(weights[name] for name in present)
        if not total:
            return []
        labels = self._health_factor_labels()
        lines = []
        for name in present:
            points = round(weights[name] * (float(factors[name]) - 100) / total)
            sign = f"{MINUS}{-points}" if points < 0 else f"+{points}" if points else "0"
            lines.append(
                (points, f"{labels[name]} {sign}: {self._health_reason(name, profile, params)}")
            )
        lines.sort(key=lambda line: line[0])
        if profile.health_capped:
            lines.append((0, self._health_cap_reason(profile, params)))
        return lines

    def _health_reason(self, name, profile, params):
        """Why a factor is what it is, in a rep's words (one method per factor:
        `_health_reason_<factor>`)."""
        return getattr(self, f"_health_reason_{name.removeprefix('health_')}")(profile, params)

    def _health_reason_recency(self, profile, params):
        days = max((self.env["retention.engine"]._today() - profile.last_order_date).days, 0)
        interval = profile.health_expected_interval
        if days == 0:
            return self.env._("ordered today, expected every %(interval)s", interval=interval)
        if days == 1:
            return self.env._("no order for 1 day, expected every %(interval)s", interval=interval)
        return self.env._(
            "no order for %(days)s days, expected every %(interval)s",
            days=days,
            interval=interval,
        )

    def _health_reason_frequency(self, profile, params):
        if profile.loyalty_order_count == 1:
            return self.env._("1 order in %(months)s months", months=params["evaluation_months"])
        return self.env._(
            "%(count)s orders in %(months)s months",
            count=profile.loyalty_order_count,
            months=params["evaluation_months"],
        )

    def _health_reason_revenue_trend(self, profile, params):
        money = self._money_formatter(profile.company_id.currency_id)
        return self.env._(
            "%(now)s in the last %(months)s months, %(before)s in the %(months)s before",
            now=money(profile.loyalty_revenue),
            before=money(profile.previous_revenue),
            months=params["evaluation_months"],
        )

    def _health_reason_satisfaction(self, profile, params):
        return self.env._(
            "recent answers average %(score)s/10",
            score=self._health_number(profile.satisfaction_score),
        )

    def _health_reason_effort(self, profile, params):
        return self.env._(
            "recent answers average %(score)s/7 (7 is very easy)",
            score=self._health_number(profile.effort_score),
        )

    def _health_reason_complaints(self, profile, params):
        late, open_ = profile.health_late_complaints, profile.health_open_complaints
        if late == 1:
            return self.env._("1 open complaint past the target time")
        if late:
            return self.env._("%(count)s open complaints past the target time", count=late)
        if open_ == 1:
            return self.env._("1 open complaint, within the target time")
        if open_:
            return self.env._("%(count)s open complaints, within the target time", count=open_)
        if profile.health_complaints < COMPLAINT_POINTS["resolved"]:
            return self.env._("complaints resolved, some late")
        return self.env._("complaints resolved in time")

    def _health_reason_engagement(self, profile, params):
        overdue = self.env._("%(count)s overdue", count=profile.health_overdue_followups)
        if not profile.health_last_touch_date:
            return self.env._("%(overdue)s, none done yet", overdue=overdue)
        return self.env._(
            "%(overdue)s, last done on %(date)s",
            overdue=overdue,
            date=format_date(self.env, profile.health_last_touch_date),
        )

    def _health_reason_tier(self, profile, params):
        if profile.health_tier > 0:
            return self.env._("moved up a tier")
        return self.env._("moved down a tier")

    def _health_cap_reason(self, profile, params):
        reason = (
            self.env._(
                "an open complaint is past its target time",
            )
            if profile.health_late_complaints
            else self.env._(
                "a detractor (satisfaction %(score)s/10)",
                score=self._health_number(profile.satisfaction_score),
            )
        )
        return self.env._(
            "held below Good (%(limit)s at most): %(reason)s",
            limit=params["health_good_min"] - 1,
            reason=reason,
        )

    def _health_number(self, value):
        """A one-decimal figure in the reader's language (6,5 in Finnish)."""
        return formatLang(self.env, value, digits=1)
