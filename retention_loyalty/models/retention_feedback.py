from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .blank_fields import BlankInteger
from .retention_numbers import check_numbers

NPS_CATEGORIES = [
    ("detractor", "Detractor"),
    ("passive", "Passive"),
    ("promoter", "Promoter"),
]
EFFORT_MIN, EFFORT_MAX = 1, 7


def check_effort_score(env, score):
    """Customer effort (CES) goes from 1 (very hard) to 7 (very easy); empty is fine."""
    if score and not EFFORT_MIN <= score <= EFFORT_MAX:
        raise ValidationError(
            env._("A customer-effort score goes from 1 to 7 (got %(score)s).", score=score)
        )


# Dates a record of the past may carry: from 1900 to tomorrow (time zones).
OLDEST_DATE = date(1900, 1, 1)


# Dates of the future a user may set (a departure, a planned review).
LATEST_YEARS_AHEAD = 50


def check_future_date(env, value, label):
    """A date a user plans: from 1900 to 50 years ahead (a typo such as
    9998-12-31 would make the dates computed from it overflow every list)."""
    if not value:
        return
    day = value.date() if isinstance(value, datetime) else value
    latest = date.today().replace(year=date.today().year + LATEST_YEARS_AHEAD)
    if not OLDEST_DATE <= day <= latest:
        raise ValidationError(
            env._(
                "%(label)s must be between 1900 and %(latest)s (got %(value)s).",
                label=label,
                latest=latest.year,
                value=fields.Date.to_string(day),
            )
        )


def check_past_date(env, value, label):
    """A feedback or complaint date lies in the past, and not before 1900."""
    if not value:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not OLDEST_DATE <= day <= date.today() + timedelta(days=1):
        raise ValidationError(
            env._(
                "%(label)s must be between 1900 and today (got %(value)s).",
                label=label,
                value=fields.Date.to_string(day),
            )
        )


# What a customer's own answer (through a feedback link) keeps as they gave it.
CUSTOMER_OWNED = frozenset({"partner_id", "date", "score", "effort_score", "comment", "channel"})

# Contribution of one answer to the Net Promoter Score: its average is the NPS.
NPS_POINTS = {"detractor": -100, "passive": 0, "promoter": 100}


def nps_category_sql(score, customer_min, promoter_min):
    """SQL: the NPS bucket of a score (NULL stays NULL). The one definition of
    the buckets, with `nps_category_of` below, its Python twin."""
    return SQL(
        "CASE WHEN %(score)s IS NULL THEN NULL WHEN %(score)s >= %(promoter)s THEN 'promoter' "
        "WHEN %(score)s >= %(customer)s THEN 'passive' ELSE 'detractor' END",
        score=score,
        promoter=promoter_min,
        customer=customer_min,
    )


def nps_category_of(score, customer_min, promoter_min):
    if score >= promoter_min:
        return "promoter"
    return "passive" if score >= customer_min else "detractor"


class RetentionFeedback(models.Model):
    _name = "retention.feedback"
    _description = "Customer Feedback"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer Company",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    score = fields.Integer(
        "Likelihood to Recommend",
        required=True,
        aggregator="avg",
        help="How likely is the customer to recommend us, from 0 (not at all) to 10.",
    )
    effort_score = BlankInteger(
        "Customer Effort",
        aggregator="avg",
        help="How easy was it to get what they needed, from 1 (very hard) to 7 "
        "(very easy). Leave empty when not asked.",
    )
    nps_category = fields.Selection(
        NPS_CATEGORIES, "NPS Category", compute="_compute_nps", store=True
    )
    nps_points = fields.Integer(
        "NPS",
        compute="_compute_nps",
        store=True,
        aggregator="avg",
        help="+100 for a promoter, 0 for a passive, -100 for a detractor: "
        "the average over answers is the Net Promoter Score.",
    )
    channel = fields.Selection(
        [
            ("phone", "Phone Call"),
            ("meeting", "Meeting"),
            ("email", "Email"),
            ("web", "Web Form"),
            ("chat", "Chat"),
            ("other", "Other"),
        ],
        default="phone",
        required=True,
    )
    comment = fields.Text()
    user_id = fields.Many2one(
        "res.users", "Logged by", default=lambda self: self.env.user, index=True
    )
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        ("score_range", "CHECK(score BETWEEN 0 AND 10)", "The score goes from 0 to 10."),
        (
            "effort_range",
            "CHECK(effort_score IS NULL OR effort_score BETWEEN 0 AND 7)",
            "The effort score goes from 1 to 7.",
        ),
    ]

    @api.depends("score")
    def _compute_nps(self):
        customer_min, promoter_min = self.env["retention.engine"]._score_thresholds()
        for feedback in self:
            feedback.nps_category = nps_category_of(feedback.score, customer_min, promoter_min)
            feedback.nps_points = NPS_POINTS[feedback.nps_category]

    @api.model
    def _recompute_nps_categories(self):
        """After the thresholds changed in Settings: one statement for all answers."""
        self.flush_model()
        customer_min, promoter_min = self.env["retention.engine"]._score_thresholds()
        category = nps_category_sql(SQL("score"), customer_min, promoter_min)
        self.env.cr.execute(
            SQL(
                """UPDATE retention_feedback SET nps_category = c.category,
                          nps_points = CASE c.category WHEN 'promoter' THEN %(promoter)s
                                                       WHEN 'passive' THEN %(passive)s
                                                       ELSE %(detractor)s END
                     FROM (SELECT id, %(category)s AS category FROM retention_feedback) c
                    WHERE c.id = retention_feedback.id""",
                category=category,
                **NPS_POINTS,
            )
        )
        self.invalidate_model(["nps_category", "nps_points"])

    def _check_score_values(self, vals):
        """Refuse out-of-range scores with a clear message before the database
        constraints would (they stay as the last guard)."""
        check_numbers(self, vals)
        if "score" in vals and not 0 <= (vals["score"] or 0) <= 10:  # noqa: PLR2004
            raise ValidationError(
                self.env._(
                    "A satisfaction score goes from 0 to 10 (got %(score)s).", score=vals["score"]
                )
            )
        check_effort_score(self.env, vals.get("effort_score"))
        if vals.get("date"):
            check_past_date(self.env, fields.Date.to_date(vals["date"]), self.env._("The date"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_score_values(vals)
        feedbacks = super().create(vals_list)
        # New feedback ends any manual stage a rep set on the customer.
        for company, answers in feedbacks.grouped("company_id").items():
            answers.commercial_partner_id._loyalty_release_manual_stage(company)
        feedbacks.commercial_partner_id._loyalty_recompute()
        if "detractor" in feedbacks.mapped("nps_category"):
            self.env["retention.cadence"]._trigger_scheduling()
        return feedbacks

    def write(self, vals):
        self._check_score_values(vals)
        if CUSTOMER_OWNED & vals.keys() and not self.env.su:
            own = self.filtered(lambda f: f.res_model == "retention.feedback.request")
            if own:
                raise UserError(
                    self.env._(
                        "%(customer)s answered this themselves (through a feedback link): "
                        "their answer cannot be changed. Log a new answer instead.",
                        customer=own[0].partner_id.display_name,
                    )
                )
        partners = self.commercial_partner_id
        result = super().write(vals)
        if {"partner_id", "date", "score", "effort_score", "company_id"} & vals.keys():
            (partners | self.commercial_partner_id)._loyalty_recompute()
        return result

    def unlink(self):
        partners = self.commercial_partner_id
        result = super().unlink()
        partners.exists()._loyalty_recompute()
        return result

    def action_open_source(self):
        self.ensure_one()
        return self.env["retention.engine"]._open_document(self.res_model, self.res_id)
