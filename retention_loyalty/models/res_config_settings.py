from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .retention_engine import setting_field
from .retention_numbers import check_numbers
from .retention_referral import IP_HOUR_LIMIT, IP_HOUR_LIMIT_PARAM

MAX_EVALUATION_MONTHS = 120
MAX_SCORE = 10
PERCENT = 100
MAX_HORIZON_DAYS = 90


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retention_evaluation_months = setting_field(
        "evaluation_months",
        "Evaluation Window (months)",
        help="Confirmed sales of this many past months count towards tiers and key accounts.",
    )
    retention_customer_min_score = setting_field(
        "customer_min_score",
        "Customer From",
        help="Satisfaction from which a customer is no longer a detractor.",
    )
    retention_promoter_min_score = setting_field(
        "promoter_min_score",
        "Promoter From",
        help="Satisfaction from which a customer is a promoter.",
    )
    retention_key_account_share = setting_field(
        "key_account_share",
        "Key Accounts (%)",
        help="Share of customers, by revenue in the window, marked as key accounts.",
    )

    retention_review_months_high = setting_field(
        "review_months_high", "High Opportunity: Review Every (months)"
    )
    retention_review_months_medium = setting_field(
        "review_months_medium", "Medium Opportunity: Review Every (months)"
    )
    retention_review_months_low = setting_field(
        "review_months_low", "Low Opportunity: Review Every (months)"
    )
    retention_cadence_horizon_days = setting_field(
        "cadence_horizon_days",
        "Schedule Follow-ups Ahead (days)",
        help="Cadence activities appear in the rep's list this many days before they are due.",
    )

    retention_feedback_valid_days = setting_field(
        "feedback_valid_days", "Feedback Links Valid (days)"
    )
    retention_feedback_quiet_days = setting_field(
        "feedback_quiet_days",
        "Don't Ask Again Within (days)",
        help="A customer asked for feedback is not asked again during this period.",
    )
    retention_churn_days = setting_field(
        "churn_days",
        "Expected Days Between Orders",
        help="How often a customer with few orders is expected to order; their own rhythm "
        "takes over as they order more. A customer without an order for twice their "
        "expected interval is leaving: Churn Risk, the inactivity trigger and the health "
        "score's recency all use this rule.",
    )
    retention_complaint_target_hours = setting_field(
        "complaint_target_hours", "Resolve Complaints Within (working hours)"
    )
    retention_touch_cap_per_week = setting_field(
        "touch_cap_per_week",
        "Messages per Customer and Week",
        help="Cadence e-mails and texts a customer gets at most in 7 days, across rules "
        "and companies (the person is the same); the next one waits.",
    )
    retention_reply_warning = fields.Char(
        compute="_compute_retention_reply_warning",
        help="Rules whose customers' replies cannot come back to Odoo.",
    )

    @api.depends("company_id")
    def _compute_retention_reply_warning(self):
        for settings in self:
            rules = (
                self.env["retention.cadence"]
                .with_company(settings.company_id)
                .search([("exit_on_reply", "=", True)])
                .filtered("reply_warning")
            )
            settings.retention_reply_warning = (
                self.env._(
                    "Replies to %(rules)s cannot stop them: %(why)s",
                    rules=", ".join(rules.mapped("display_name")),
                    why=rules[0].reply_warning,
                )
                if rules
                else False
            )

    retention_referral_ip_hour_limit = fields.Integer(
        string="Referrals per IP Address and Hour",
        config_parameter=IP_HOUR_LIMIT_PARAM,
        default=IP_HOUR_LIMIT,
        help="More submissions of the public referral page from one address within an hour "
        "are refused (HTTP 429).",
    )

    retention_review_url = fields.Char(related="company_id.retention_review_url", readonly=False)
    retention_privacy_url = fields.Char(related="company_id.retention_privacy_url", readonly=False)

    @api.model
    def get_values(self):
        values = super().get_values()
        # Tiers give pricelists: the feature is on, whatever the group says
        # (saving keeps it on instead of archiving the tiers' pricelists).
        if self.env["retention.tier"]._pricelist_benefits():
            values["group_product_pricelist"] = True
        return values

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals, prefix="retention_")
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, vals, prefix="retention_")
        return super().write(vals)

    def _retention_keep_zeros(self):
        """Odoo saves an integer setting of 0 by deleting its parameter, which
        brings our default back (a weight of 0 would weigh 20 again, a grace
        of 0 would keep tiers 90 days): store the 0."""
        params = self.env["ir.config_parameter"].sudo()
        for name, field in self._fields.items():
            key = getattr(field, "config_parameter", None) or ""
            if field.type == "integer" and key.startswith("retention_loyalty.") and not self[name]:
                params.set_param(key, "0")

    def set_values(self):
        tiers = self.env["retention.tier"]._pricelist_benefits()
        if tiers and not all(self.mapped("group_product_pricelist")):
            raise UserError(
                self.env._(
                    "Tier “%(tier)s” gives pricelist “%(pricelist)s”: turning pricelists off "
                    "would archive it. Remove the tiers' pricelist benefits first.",
                    tier=tiers[0].display_name,
                    pricelist=tiers[0].pricelist_id.display_name,
                )
            )
        engine = self.env["retention.engine"]
        before = engine._settings()
        super().set_values()
        self._retention_keep_zeros()
        # Shown on though the group was off (get_values): now truly on.
        tiers._enable_pricelists()
        after = engine._settings()
        if all(before[key] == after[key] for key in engine._profile_settings()):
            return
        if engine._score_thresholds() != (
            before["customer_min_score"],
            before["promoter_min_score"],
        ):
            self.env["retention.feedback"]._recompute_nps_categories()
        # Every profile depends on these settings: recompute them in the background.
        self.env.ref("retention_loyalty.ir_cron_loyalty_profiles")._trigger()

    @api.constrains("retention_evaluation_months")
    def _check_retention_evaluation_months(self):
        for settings in self:
            if not 1 <= settings.retention_evaluation_months <= MAX_EVALUATION_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The evaluation window must be between 1 and %(max)s months "
                        "(you entered %(months)s).",
                        max=MAX_EVALUATION_MONTHS,
                        months=settings.retention_evaluation_months,
                    )
                )

    @api.constrains(
        "retention_review_months_high",
        "retention_review_months_medium",
        "retention_review_months_low",
        "retention_cadence_horizon_days",
        "retention_feedback_valid_days",
        "retention_feedback_quiet_days",
        "retention_complaint_target_hours",
        "retention_churn_days",
        "retention_touch_cap_per_week",
    )
    def _check_retention_cadence_settings(self):
        for settings in self:
            months = (
                settings.retention_review_months_high,
                settings.retention_review_months_medium,
                settings.retention_review_months_low,
            )
            if not all(1 <= value <= MAX_EVALUATION_MONTHS for value in months):
                raise ValidationError(
                    self.env._(
                        "Review intervals must be between 1 and %(max)s months.",
                        max=MAX_EVALUATION_MONTHS,
                    )
                )
            if not months[0] <= months[1] <= months[2]:
                raise ValidationError(
                    self.env._(
                        "High-opportunity accounts are reviewed at least as often as medium "
                        "ones, and medium as often as low (%(high)s ≤ %(medium)s ≤ %(low)s "
                        "months).",
                        high=months[0],
                        medium=months[1],
                        low=months[2],
                    )
                )
            if not (
                settings.retention_feedback_valid_days > 0
                and settings.retention_feedback_quiet_days > 0
                and settings.retention_complaint_target_hours > 0
                and settings.retention_churn_days > 0
                and settings.retention_touch_cap_per_week > 0
            ):
                raise ValidationError(
                    self.env._(
                        "Feedback links must stay valid at least a day, customers may be asked "
                        "again after a day at the earliest, complaints need a resolution "
                        "target of at least an hour, churn risk starts after a day or more "
                        "and a customer may get at least one message a week."
                    )
                )
            if not 0 <= settings.retention_cadence_horizon_days <= MAX_HORIZON_DAYS:
                raise ValidationError(
                    self.env._(
                        "Follow-ups can be scheduled 0 to %(max)s days ahead (you entered "
                        "%(days)s).",
                        max=MAX_HORIZON_DAYS,
                        days=settings.retention_cadence_horizon_days,
                    )
                )

    @api.constrains("retention_referral_ip_hour_limit")
    def _check_retention_referral_limit(self):
        for settings in self:
            if settings.retention_referral_ip_hour_limit < 1:
                raise ValidationError(
                    self.env._(
                        "Referrals per IP address and hour: at least 1 (you entered "
                        "%(limit)s; a negative limit would refuse everybody).",
                        limit=settings.retention_referral_ip_hour_limit,
                    )
                )

    @api.constrains(
        "retention_customer_min_score",
        "retention_promoter_min_score",
        "retention_key_account_share",
    )
    def _check_retention_thresholds(self):
        for settings in self:
            customer_min = settings.retention_customer_min_score
            promoter_min = settings.retention_promoter_min_score
            if not 0 < customer_min < promoter_min <= MAX_SCORE:
                raise ValidationError(
                    self.env._(
                        "Scores must rise: 0 < “Customer from” (%(customer)s) < "
                        "“Promoter from” (%(promoter)s) ≤ 10.",
                        customer=customer_min,
                        promoter=promoter_min,
                    )
                )
            if not 0 < settings.retention_key_account_share < PERCENT:
                raise ValidationError(
                    self.env._(
                        "The key-account share must be between 1 and 99 %% (you entered "
                        "%(share)s).",
                        share=settings.retention_key_account_share,
                    )
                )
