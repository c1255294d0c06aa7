import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import create_index, create_unique_index

from .blank_fields import BlankFloat
from .retention_feedback import NPS_CATEGORIES, check_past_date

ADVOCACY_STAGES = [
    ("new", "New"),
    ("detractor", "Detractor"),
    ("customer", "Customer"),
    ("promoter", "Promoter"),
    ("advocate", "Advocate"),
]
OPPORTUNITY_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
# Figures only the loyalty engine writes (in SQL, as superuser).
ENGINE_FIELDS = [
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
    "referral_count",
    "referral_revenue",
    "order_interval_days",
    "next_review_date",
    "lifetime_order_count",
    "previous_revenue",
    "tier_below_since",
    "tier_kept_until",
]
# The health score and its parts, written by the health statement that
# follows the profile's (retention_profile_health_sql.py). A factor is 0-100, or
# empty when the customer gives it no data (its weight goes to the others).
HEALTH_FACTORS = [
    "health_recency",
    "health_frequency",
    "health_revenue_trend",
    "health_satisfaction",
    "health_effort",
    "health_complaints",
    "health_engagement",
    "health_tier",
]
HEALTH_FIELDS = [
    "health_score",
    "health_band",
    *HEALTH_FACTORS,
    "health_expected_interval",
    "health_open_complaints",
    "health_late_complaints",
    "health_overdue_followups",
    "health_last_touch_date",
    "health_capped",
]
# What the customer is expected to do in the prediction horizon, written by
# the predictions statement (retention_profile_prediction_sql.py).
PREDICTION_FIELDS = [
    "predicted_order_count",
    "predicted_revenue",
    "churn_probability",
    "predicted_next_order_date",
    "revenue_at_risk",
]
# A new customer (one order, within the usual interval) is New, not At Risk
# for having bought only once.
HEALTH_BANDS = [("new", "New Customer"), ("good", "Good"), ("at_risk", "At Risk"), ("poor", "Poor")]
# What a user sets on a customer, per company. The tier and the stage are the
# engine's too, unless locked or moved by hand.
USER_FIELDS = [
    "loyalty_tier_id",
    "loyalty_tier_locked",
    "advocacy_stage",
    "advocacy_stage_manual",
    "reference_consent",
    "opportunity_level",
    "last_review_date",
]
# Generated once per profile, never typed: the customer's public referral code.
CODE_FIELDS = ["referral_code"]
# What res.partner shows of the current company's profile.
PROFILE_FIELDS = [
    *ENGINE_FIELDS,
    "health_score",
    "health_band",
    "health_expected_interval",
    *PREDICTION_FIELDS,
    *USER_FIELDS,
    *CODE_FIELDS,
]
ENGINE_FIELDS_SET = frozenset(ENGINE_FIELDS + HEALTH_FIELDS + PREDICTION_FIELDS)
# What a customer without a profile in the company reads.
PROFILE_DEFAULTS = {
    "loyalty_revenue": 0.0,
    "loyalty_order_count": 0,
    "lifetime_revenue": 0.0,
    "is_key_account": False,
    "referral_count": 0,
    "referral_revenue": 0.0,
    "order_interval_days": 0,
    "lifetime_order_count": 0,
    "previous_revenue": 0.0,
    "loyalty_tier_locked": False,
    "advocacy_stage": "new",
    "advocacy_stage_manual": False,
    "reference_consent": False,
    "opportunity_level": "medium",
}


# 9 random bytes: 12 URL-safe characters, 72 bits (secrets.token_urlsafe(9)).
REFERRAL_CODE_BYTES = 9
# The same in SQL, for profiles the engine inserts: gen_random_uuid() is
# PostgreSQL's cryptographic generator; bytes 1-6 and 11-13 of a v4 UUID are
# random (the version and variant bits sit in bytes 7 and 9).
REFERRAL_CODE_SQL = (
    "translate(encode(substring(uuid_send(gen_random_uuid()) FROM 1 FOR 6)"
    " || substring(uuid_send(gen_random_uuid()) FROM 11 FOR 3), 'base64'), '+/', '-_')"
)


def new_referral_code():
    return secrets.token_urlsafe(REFERRAL_CODE_BYTES)


def check_engine_fields(env, vals):
    """The engine's figures are computed, never typed (on the profile or on
    the partner fields that show it)."""
    if not env.su and ENGINE_FIELDS_SET & vals.keys():
        raise AccessError(
            env._(
                "Revenue, orders, satisfaction and the other loyalty figures are "
                "computed by the loyalty engine: they cannot be set by hand."
            )
        )


class RetentionProfile(models.Model):
    """A customer's loyalty profile in one company: that company's orders in
    its currency, its tiers, its feedback, and what its users set. The fields
    of the same names on res.partner read the current company's profile."""

    _name = "retention.profile"
    _description = "Loyalty Profile"
    # Its own chatter: what is true in one company (its figures, the values its
    # users set) is told where that company's rules apply, not on a partner
    # other companies share (retention_profile_log.py routes the notes).
    _inherit = ["mail.thread"]
    _order = "partner_id, company_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    loyalty_tier_id = fields.Many2one(
        "retention.tier", "Loyalty Tier", ondelete="set null", tracking=True
    )
    loyalty_tier_locked = fields.Boolean("Tier Set by Hand", tracking=True)
    loyalty_revenue = fields.Monetary("Revenue (window)")
    loyalty_order_count = fields.Integer("Orders (window)")
    lifetime_revenue = fields.Monetary("Revenue (all time)")
    first_order_date = fields.Date()
    last_order_date = fields.Date()
    is_key_account = fields.Boolean("Key Account")
    # Empty (not 0) until the customer answers or a factor has data.
    satisfaction_score = BlankFloat("Satisfaction", digits=(3, 1), aggregator="avg")
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category")
    effort_score = BlankFloat("Customer Effort", digits=(3, 1), aggregator="avg")
    last_feedback_date = fields.Date()
    advocacy_stage = fields.Selection(ADVOCACY_STAGES, default="new", required=True, tracking=True)
    advocacy_stage_manual = fields.Boolean("Stage Set by Hand")
    reference_consent = fields.Boolean(tracking=True)
    referral_count = fields.Integer()
    referral_revenue = fields.Monetary()
    opportunity_level = fields.Selection(
        OPPORTUNITY_LEVELS, default="medium", required=True, tracking=True
    )
    last_review_date = fields.Date(tracking=True)
    next_review_date = fields.Date()
    order_interval_days = fields.Integer("Usual Days Between Orders")
    lifetime_order_count = fields.Integer("Orders (all time)")
    previous_revenue = fields.Monetary(
        "Revenue (previous window)", help="Confirmed sales in the window before the current one."
    )
    tier_below_since = fields.Date(
        "Below Tier Since",
        help="The first day the customer was found below their tier's thresholds: the "
        "grace period (Settings) runs from it.",
    )
    tier_kept_until = fields.Date(
        "Tier Kept Until",
        help="Below their tier's thresholds, the customer keeps it until this day (the "
        "grace period in Settings), then moves down one tier.",
    )
    health_score = BlankFloat(
        "Health", digits=(4, 1), aggregator="avg", help="0-100: the weighted health factors."
    )
    health_band = fields.Selection(HEALTH_BANDS, "Health Band")
    health_recency = BlankFloat("Recency", digits=(4, 1))
    health_frequency = BlankFloat("Frequency", digits=(4, 1))
    health_revenue_trend = BlankFloat("Revenue Trend", digits=(4, 1))
    health_satisfaction = BlankFloat("Satisfaction Factor", digits=(4, 1))
    health_effort = BlankFloat("Effort Factor", digits=(4, 1))
    health_complaints = BlankFloat("Complaints Factor", digits=(4, 1))
    health_engagement = BlankFloat("Follow-up Engagement", digits=(4, 1))
    health_tier = BlankFloat("Tier Movement", digits=(4, 1))
    health_expected_interval = fields.Integer(
        "Expected Days Between Orders",
        help="The customer's own rhythm, drawn towards the Settings' days for customers "
        "with few orders: a customer is leaving after twice this without an order.",
    )
    health_open_complaints = fields.Integer("Open Complaints")
    health_late_complaints = fields.Integer("Late Complaints")
    health_overdue_followups = fields.Integer("Overdue Follow-ups")
    health_last_touch_date = fields.Date("Last Follow-up Done")
    health_capped = fields.Boolean(
        "Health Capped", help="A detractor or a late complaint keeps the score below Good."
    )
    referral_code = fields.Char(
        copy=False,
        readonly=True,
        default=lambda self: new_referral_code(),
        help="The customer's personal code on the public referral page of this company.",
    )

    def action_open_history(self):
        """The profile's own page: its chatter holds this company's notes."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("retention_loyalty.view_retention_profile_form").id, "form")],
            "name": self.env._(
                "%(customer)s in %(company)s",
                customer=self.partner_id.display_name,
                company=self.company_id.name,
            ),
        }

    @api.constrains("last_review_date")
    def _check_last_review_date(self):
        for profile in self:
            check_past_date(self.env, profile.last_review_date, self.env._("The last review"))

    _sql_constraints = [
        (
            "partner_company_uniq",
            "UNIQUE(partner_id, company_id)",
            "A customer has one loyalty profile per company.",
        ),
    ]

    def init(self):
        # The customer list's filters and the kanban's columns, per company.
        for column in (
            "advocacy_stage",
            "loyalty_tier_id",
            "nps_category",
            "is_key_account",
            "health_band",
        ):
            create_index(
                self.env.cr,
                f"retention_profile_company_{column}_idx",
                self._table,
                ["company_id", column],
            )
        # Every profile has its own code: those the engine inserts in SQL (the
        # column's default), and those that existed before the code did.
        code = SQL(REFERRAL_CODE_SQL)
        self.env.cr.execute(
            SQL("ALTER TABLE retention_profile ALTER COLUMN referral_code SET DEFAULT %s", code)
        )
        self.env.cr.execute(
            SQL("UPDATE retention_profile SET referral_code = %s WHERE referral_code IS NULL", code)
        )
        create_unique_index(
            self.env.cr, "retention_profile_referral_code_uniq", self._table, ["referral_code"]
        )

    def _init_column(self, column_name):
        # One code per row (init() draws them), never the ORM default's one
        # value copied to every existing profile.
        if column_name == "referral_code":
            return None
        return super()._init_column(column_name)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._check_profile_write(vals)
        profiles = super().create(vals_list)
        self.env["res.partner"].invalidate_model(PROFILE_FIELDS)
        # A value a user sets makes the company trade with the customer: it is
        # a customer on every screen (the menus list Odoo's customer rank).
        profiles.partner_id.sudo().filtered(lambda p: not p.customer_rank).customer_rank = 1
        return profiles

    def write(self, vals):
        self._check_profile_write(vals)
        result = super().write(vals)
        self.env["res.partner"].invalidate_model(PROFILE_FIELDS)
        if ENGINE_INPUTS & vals.keys():
            self.partner_id._loyalty_recompute()
        return result

    def _check_profile_write(self, vals):
        """The engine's figures are computed, never typed; tiers are
        configuration: only retention admins set or lock one by hand, whatever
        the path (a contact made its own company, an import, RPC)."""
        if self.env.su:
            return
        check_engine_fields(self.env, vals)
        if "referral_code" in vals:
            raise AccessError(self.env._("A referral code is generated: it cannot be set by hand."))
        if self:
            tier_changed = any(
                vals.get("loyalty_tier_id", profile.loyalty_tier_id.id)
                != profile.loyalty_tier_id.id
                or bool(vals.get("loyalty_tier_locked", profile.loyalty_tier_locked))
                != profile.loyalty_tier_locked
                for profile in self
            )
        else:
            tier_changed = bool(vals.get("loyalty_tier_id") or vals.get("loyalty_tier_locked"))
        if tier_changed and not self.env.user.has_group(
            "retention_loyalty.group_retention_manager"
        ):
            raise AccessError(
                self.env._("Only retention administrators can set or lock a loyalty tier by hand.")
            )

    @api.model
    def _profiles_of(self, partners, company):
        """The profiles of these commercial partners in `company`, created where
        missing (a user's value makes the company trade with the customer)."""
        profiles = self.search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        missing = partners - profiles.partner_id
        if missing:
            profiles |= self.create(
                [{"partner_id": partner.id, "company_id": company.id} for partner in missing]
            )
        return profiles


# What a user sets that the engine reads: the stage, next review or tier follow.
ENGINE_INPUTS = frozenset(
    {"reference_consent", "opportunity_level", "last_review_date", "loyalty_tier_locked"}
)
