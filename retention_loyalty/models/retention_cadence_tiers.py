"""The "tier grace period ending" trigger: a set number of days before the
grace period stops keeping a customer's tier (retention_profile_sql.py), so
that a rep or an e-mail can tell them what keeps it. A lasting condition on
each company's profile: one cycle per grace period."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MAX_NOTICE_DAYS = 365


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    grace_notice_days = fields.Integer(
        "Days Before the Tier Is Lost",
        default=14,
        help="The rule starts this many days before the grace period stops keeping the "
        "customer's tier (Tier Kept Until).",
    )

    @api.constrains("grace_notice_days")
    def _check_grace_notice_days(self):
        for cadence in self:
            if cadence.trigger == "tier_grace_ending" and not (
                0 <= cadence.grace_notice_days <= MAX_NOTICE_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the notice comes 0 to %(max)s days before the tier "
                        "is lost (you entered %(days)s).",
                        rule=cadence.display_name,
                        max=MAX_NOTICE_DAYS,
                        days=cadence.grace_notice_days,
                    )
                )

    def _trigger_tier_grace_ending_traits(self):
        return {"event": False, "lasting": True}

    def _trigger_tier_grace_ending_sources(self, window):
        return self._profile_sources(
            window,
            cycle=SQL("p.tier_below_since"),
            anchor=SQL("(p.tier_kept_until - %s)", self.grace_notice_days or 0),
            condition=SQL("p.tier_kept_until IS NOT NULL"),
        )
