"""The loyalty profile on res.partner: each field reads the profile of the
customer's commercial entity in the current company (retention.profile).

The fields are not stored on the partner, but Odoo 18 builds every search,
order, group-by and aggregate from `_field_to_sql`: answering it with a join
on the current company's profile makes them filterable, sortable and
groupable like stored fields (the Advocates kanban groups by stage), while
contacts created under a company copy nothing."""

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, Query

from .blank_fields import BlankFloat
from .retention_feedback import NPS_CATEGORIES
from .retention_profile import (
    ADVOCACY_STAGES,
    HEALTH_BANDS,
    OPPORTUNITY_LEVELS,
    PROFILE_DEFAULTS,
    PROFILE_FIELDS,
    check_engine_fields,
)


def _profile_field(field_class, *args, inverse=False, **kwargs):
    """A partner field mirroring the profile field of the same name; internal
    figures: portal and public users read none of them."""
    name = kwargs.pop("name")
    kwargs.update(
        compute="_compute_retention_profile", search=f"_search_{name}", groups="base.group_user"
    )
    if inverse:
        kwargs.update(inverse=f"_inverse_{name}", readonly=False)
    else:
        kwargs.setdefault("readonly", True)
    return field_class(*args, **kwargs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    retention_profile_ids = fields.One2many(
        "retention.profile",
        "partner_id",
        "Loyalty Profiles",
        readonly=True,
        groups="base.group_user",
    )
    loyalty_currency_id = fields.Many2one("res.currency", compute="_compute_loyalty_currency_id")
    loyalty_tier_id = _profile_field(
        fields.Many2one, "retention.tier", "Loyalty Tier", name="loyalty_tier_id", inverse=True
    )
    loyalty_tier_locked = _profile_field(
        fields.Boolean,
        "Tier Set by Hand",
        name="loyalty_tier_locked",
        inverse=True,
        help="Keep this tier: the automatic recompute leaves it alone.",
    )
    loyalty_revenue = _profile_field(
        fields.Monetary,
        "Revenue (window)",
        name="loyalty_revenue",
        currency_field="loyalty_currency_id",
        aggregator="sum",
    )
    loyalty_order_count = _profile_field(
        fields.Integer, "Orders (window)", name="loyalty_order_count", aggregator="sum"
    )
    lifetime_revenue = _profile_field(
        fields.Monetary,
        "Revenue (all time)",
        name="lifetime_revenue",
        currency_field="loyalty_currency_id",
        aggregator="sum",
    )
    first_order_date = _profile_field(fields.Date, name="first_order_date")
    last_order_date = _profile_field(fields.Date, name="last_order_date")
    tier_below_since = _profile_field(fields.Date, "Below Tier Since", name="tier_below_since")
    tier_kept_until = _profile_field(
        fields.Date,
        "Tier Kept Until",
        name="tier_kept_until",
        help="Below their tier's thresholds, the customer keeps it until this day (the "
        "grace period in Settings), then moves down one tier.",
    )
    is_key_account = _profile_field(
        fields.Boolean,
        "Key Account",
        name="is_key_account",
        help="Among the company's top customers by revenue in the window (the 80/20 rule).",
    )
    satisfaction_score = _profile_field(
        BlankFloat,
        "Satisfaction",
        name="satisfaction_score",
        digits=(3, 1),
        aggregator="avg",
    )
    nps_category = _profile_field(
        fields.Selection, NPS_CATEGORIES, "NPS Category", name="nps_category"
    )
    effort_score = _profile_field(
        BlankFloat, "Customer Effort", name="effort_score", digits=(3, 1), aggregator="avg"
    )
    last_feedback_date = _profile_field(fields.Date, name="last_feedback_date")
    advocacy_stage = _profile_field(
        fields.Selection,
        ADVOCACY_STAGES,
        name="advocacy_stage",
        inverse=True,
        group_expand="_group_expand_advocacy_stage",
    )
    advocacy_stage_manual = _profile_field(
        fields.Boolean,
        "Stage Set by Hand",
        name="advocacy_stage_manual",
        help="Moved by a rep: holds until the customer's next feedback.",
    )
    reference_consent = _profile_field(
        fields.Boolean,
        name="reference_consent",
        inverse=True,
        help="Agrees to act as a reference or give a testimonial.",
    )
    referral_count = _profile_field(fields.Integer, name="referral_count")
    referral_revenue = _profile_field(
        fields.Monetary, name="referral_revenue", currency_field="loyalty_currency_id"
    )
    opportunity_level = _profile_field(
        fields.Selection,
        OPPORTUNITY_LEVELS,
        name="opportunity_level",
        inverse=True,
        help="How much more the customer could buy: drives how often accounts are reviewed.",
    )
    last_review_date = _profile_field(fields.Date, name="last_review_date", inverse=True)
    next_review_date = _profile_field(
        fields.Date,
        name="next_review_date",
        help="Last review (or first order) plus the review interval of the opportunity "
        "level, set in Settings.",
    )
    order_interval_days = _profile_field(
        fields.Integer,
        "Average Days Between Orders",
        name="order_interval_days",
        help="The plain average between the customer's first and last purchase. The rules "
        "use the expected days between orders instead.",
    )
    health_expected_interval = _profile_field(
        fields.Integer,
        "Expected Days Between Orders",
        name="health_expected_interval",
        help="The customer's own rhythm, drawn towards the Settings' days for customers with "
        "few orders: what health, Churn Risk and the inactivity rules measure against (a "
        "customer is leaving after twice this without a purchase).",
    )
    lifetime_order_count = _profile_field(
        fields.Integer, "Orders (all time)", name="lifetime_order_count"
    )
    previous_revenue = _profile_field(
        fields.Monetary,
        "Revenue (previous window)",
        name="previous_revenue",
        currency_field="loyalty_currency_id",
    )
    health_score = _profile_field(
        fields.Float,
        "Health",
        name="health_score",
        digits=(4, 1),
        aggregator="avg",
        help="0-100: recency against the customer's rhythm, frequency, revenue trend, "
        "satisfaction, effort, complaints, follow-ups and tier movement, weighted in Settings.",
    )
    health_band = _profile_field(fields.Selection, HEALTH_BANDS, "Health Band", name="health_band")

    referral_code = _profile_field(
        fields.Char,
        name="referral_code",
        help="The customer's personal code for this company's referral page.",
    )
    referral_url = fields.Char(
        "Referral Link",
        compute="_compute_referral_url",
        groups="base.group_user",
        help="The public page where the customer's friends leave their name and e-mail.",
    )

    @api.depends_context("company")
    def _compute_loyalty_currency_id(self):
        self.loyalty_currency_id = self.env.company.currency_id

    @api.depends("referral_code")
    @api.depends_context("company")
    def _compute_referral_url(self):
        for partner in self:
            partner.referral_url = partner.referral_code and (
                f"{partner.get_base_url()}/retention/referral/{partner.referral_code}"
            )

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_retention_profile(self):
        commercial = self.commercial_partner_id
        profiles = {
            profile.partner_id.id: profile
            for profile in self.env["retention.profile"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", commercial.ids), ("company_id", "=", self.env.company.id)],
                [*PROFILE_FIELDS, "partner_id"],
            )
        }
        empty = self.env["retention.profile"]
        defaults = {
            name: PROFILE_DEFAULTS.get(name, empty._fields[name].convert_to_record(None, empty))
            for name in PROFILE_FIELDS
        }
        defaults["loyalty_tier_id"] = self.env["retention.tier"]
        for partner in self:
            profile = profiles.get(partner.commercial_partner_id.id)
            for name in PROFILE_FIELDS:
                value = defaults[name] if profile is None else profile[name]
                if name == "loyalty_tier_id":
                    value = value.with_env(self.env)  # the profile was read as superuser
                partner[name] = value

    # -- search, order, group-by: the current company's profile, joined ------

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        if fname not in PROFILE_FIELDS:
            return super()._field_to_sql(alias, fname, query, flush)
        if query is None:
            raise ValueError(f"{fname} needs a query to join the loyalty profile")
        self.check_field_access_rights("read", [fname])
        profile_alias = self._retention_profile_join(alias, query)
        field = self.env["retention.profile"]._fields[fname]
        sql = SQL.identifier(profile_alias, fname, to_flush=field if flush else None)
        if fname in PROFILE_DEFAULTS:
            sql = SQL("COALESCE(%s, %s)", sql, PROFILE_DEFAULTS[fname])
        return sql

    def _retention_profile_join(self, alias, query):
        """The current company's profile of the partner's commercial entity,
        LEFT JOINed once per query and alias."""
        profile_alias = query.make_alias(alias, "retention_profile")
        query.add_join(
            "LEFT JOIN",
            profile_alias,
            "retention_profile",
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(profile_alias, "partner_id"),
                SQL.identifier(alias, "commercial_partner_id"),
                SQL.identifier(profile_alias, "company_id"),
                self.env.company.id,
            ),
        )
        return profile_alias

    @api.model
    def _where_calc(self, domain, active_test=True):
        # The conditions on profile fields that every match must meet (the
        # top-level "and" of a kanban column, a filter) go on the profile
        # joined by _field_to_sql: PostgreSQL then probes one profile per
        # listed customer, where a subquery would read every profile first
        # (a column of the Advocates kanban: 240 ms -> 70 ms at 100,000).
        rest, joined = _split_profile_conditions(expression.normalize_domain(list(domain or [])))
        query = super()._where_calc(rest, active_test)
        for fname, operator, value in joined:
            if self._retention_default_matches(fname, operator, value):
                condition = self._condition_to_sql(self._table, fname, operator, value, query)
            else:
                # Customers without a profile fail it: a plain condition on the
                # profile's column, which lets PostgreSQL use its index.
                self.check_field_access_rights("read", [fname])
                alias = self._retention_profile_join(self._table, query)
                condition = self.env["retention.profile"]._condition_to_sql(
                    alias, fname, operator, value, query
                )
            query.add_where(condition)
        return query

    def _search_profile(self, fname, operator, value):
        """Customers whose current-company profile matches, through the
        profile table's own indexes; customers without a profile match when
        the empty profile does (a stage of "new", no key account...)."""
        self.check_field_access_rights("read", [fname])
        profiles = self.env["retention.profile"].sudo()  # only the current company's
        company = [("company_id", "=", self.env.company.id)]
        if self._retention_default_matches(fname, operator, value):
            others = profiles._search([*company, "!", (fname, operator, value)])
            return [("commercial_partner_id", "not in", others.subselect("partner_id"))]
        matching = profiles._search([*company, (fname, operator, value)])
        return [("commercial_partner_id", "in", matching.subselect("partner_id"))]

    @api.model
    def _retention_default_matches(self, fname, operator, value):
        if isinstance(value, (Query, SQL)):
            return operator == "not in"
        empty = self.env["retention.profile"].new({})
        return bool(empty.filtered_domain([(fname, operator, value)]))

    def _inverse_profile(self, fname):
        """A user's value goes to the profile of the current company; a stage
        set by a rep holds until the customer's next feedback."""
        for value, partners in self.grouped(lambda p: p[fname]).items():
            profiles = self.env["retention.profile"]._profiles_of(
                partners.commercial_partner_id, self.env.company
            )
            vals = {fname: value.id if fname == "loyalty_tier_id" else value}
            if fname == "advocacy_stage":
                vals["advocacy_stage_manual"] = True
            profiles.write(vals)

    @api.model
    def _group_expand_advocacy_stage(self, stages, domain):
        return [key for key, _label in ADVOCACY_STAGES]

    def _check_engine_fields_untouched(self, vals):
        check_engine_fields(self.env, vals)


# Operators _condition_to_sql answers on the joined profile as Odoo does on a column.
JOINABLE_OPERATORS = frozenset({"=", "!=", "<", ">", "<=", ">=", "in", "not in"})


def _split_profile_conditions(domain):
    """(the normalized `domain` without them, the conditions on profile
    fields that every match of it must meet)."""

    def parse(position):
        """(a subtree, the position after it): a leaf, or (operator, children)."""
        item = domain[position]
        if item in ("&", "|", "!"):
            children = []
            position += 1
            for _child in range(1 if item == "!" else 2):
                child, position = parse(position)
                children.append(child)
            return (item, children), position
        return [item], position + 1

    def conjuncts(node):
        operator, children = node if isinstance(node, tuple) else (None, None)
        if operator == "&":
            return conjuncts(children[0]) + conjuncts(children[1])
        return [node]

    def serialize(node):
        if isinstance(node, tuple):
            operator, children = node
            return [operator, *(item for child in children for item in serialize(child))]
        return node

    if not domain:
        return [], []
    rest, joined = [], []
    for node in conjuncts(parse(0)[0]):
        leaf = node[0] if isinstance(node, list) else None
        if (
            isinstance(leaf, (list, tuple))
            and len(leaf) == 3  # noqa: PLR2004
            and leaf[0] in PROFILE_FIELDS
            and leaf[1] in JOINABLE_OPERATORS
        ):
            joined.append(tuple(leaf))
        else:
            rest.append(serialize(node))
    return expression.AND(rest) if rest else [], joined
