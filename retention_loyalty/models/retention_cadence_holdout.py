"""Proof of effect: a rule may hold out a random share of the customers it
enters, and measures what it changed against them.

Randomization: a customer entering a rule is in the control group when the
first 32 bits of md5("rule:customer:period start") fall in the rule's share
of 2^32 (`holdout_bucket_sql`). The hash is uniform, and the same in every run,
crash, concurrent run and later edit: nothing to lock, nothing to remember.
Changing the share starts a new measurement period, with a new draw.

Intention to treat: a customer enters when the rule would have acted (its
follow-ups reach the ledger), control customers included; a control
customer's follow-ups are *Held Out*: no activity, message, text or request,
and nothing in the contact caps. Customers who unsubscribed or were capped
stay in their group. The impact report (retention_cadence_impact.py)
compares the groups over the rule's window."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, formatLang

MAX_HOLDOUT_PERCENT = 50
# Fewer customers per group, or fewer than this many who bought again (or did
# not), and the normal approximation says nothing worth reading.
MIN_GROUP_CUSTOMERS = 30
MIN_GROUP_OUTCOMES = 5
Z_95 = 1.959964


def holdout_bucket_sql(cadence, partner, since):
    """SQL: 0 to 9,999, uniform, from the rule, the customer and the period."""
    return SQL(
        "mod(('x' || substr(md5(%s::text || ':' || %s::text || ':' || %s::text), 1, 8))"
        "::bit(32)::bigint, 10000)",
        cadence,
        partner,
        since,
    )


def lift_interval(treated, treated_repeat, control, control_repeat):
    """(lift, low, high) in percentage points: the difference of the repeat
    rates and its 95 % interval (normal approximation for a difference of two
    proportions, unpooled); None when a group is too small for it."""
    for count, repeat in ((treated, treated_repeat), (control, control_repeat)):
        if count < MIN_GROUP_CUSTOMERS or min(repeat, count - repeat) < MIN_GROUP_OUTCOMES:
            return None
    p1, p0 = treated_repeat / treated, control_repeat / control
    error = math.sqrt(p1 * (1 - p1) / treated + p0 * (1 - p0) / control)
    lift = p1 - p0
    return tuple(100 * value for value in (lift, lift - Z_95 * error, lift + Z_95 * error))


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    holdout_percent = fields.Integer(
        "Hold Out (%)",
        default=0,
        help="This share of the customers the rule enters gets nothing from it, at random: "
        "what the others do more is the rule's effect (Proof tab).",
    )
    holdout_since = fields.Datetime(
        "Measured Since",
        readonly=True,
        copy=False,
        help="The start of the current measurement period: a new share starts a new one.",
    )
    impact_window_days = fields.Integer(
        "Measured Over (days)",
        default=90,
        help="Days after a customer's entry in which a purchase counts as buying again.",
    )
    impact_summary = fields.Char("Proof", compute="_compute_impact")
    impact_lift = fields.Float("Lift (points)", compute="_compute_impact", digits=(4, 1))
    impact_lift_low = fields.Float("Lift, 95 % Low", compute="_compute_impact", digits=(4, 1))
    impact_lift_high = fields.Float("Lift, 95 % High", compute="_compute_impact", digits=(4, 1))
    impact_customer_count = fields.Integer("Customers Measured", compute="_compute_impact")
    impact_revenue = fields.Float(
        "Revenue Attributable",
        compute="_compute_impact",
        help="Revenue per treated customer minus revenue per held-out customer, in the "
        "window, times the treated customers: what the rule brought (company currencies "
        "added up when a rule spans several).",
    )

    @api.constrains("holdout_percent", "impact_window_days")
    def _check_holdout(self):
        for cadence in self:
            if not 0 <= cadence.holdout_percent <= MAX_HOLDOUT_PERCENT:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: hold out 0 to %(max)s %% of its customers (you "
                        "entered %(percent)s).",
                        rule=cadence.display_name,
                        max=MAX_HOLDOUT_PERCENT,
                        percent=cadence.holdout_percent,
                    )
                )
            if not 1 <= cadence.impact_window_days <= 3650:  # noqa: PLR2004
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the effect is measured over 1 to 3650 days (you "
                        "entered %(days)s).",
                        rule=cadence.display_name,
                        days=cadence.impact_window_days,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("holdout_since", fields.Datetime.now())
        return super().create(vals_list)

    def write(self, vals):
        # A new share is a new experiment: never mix two draws in one measure.
        if "holdout_percent" in vals and any(
            cadence.holdout_percent != vals["holdout_percent"] for cadence in self
        ):
            vals = {**vals, "holdout_since": fields.Datetime.now()}
        return super().write(vals)

    def _holdout_sql(self, partner):
        """SQL: true when `partner` (a column) is held out of this rule."""
        self.ensure_one()
        if not self.holdout_percent:
            return SQL("false")
        return SQL(
            "%s < %s",
            holdout_bucket_sql(self.id, partner, self.holdout_since or self.create_date),
            self.holdout_percent * 100,
        )

    @api.depends("holdout_percent", "holdout_since", "impact_window_days")
    @api.depends_context("lang")
    def _compute_impact(self):
        groups = self.env["retention.cadence.impact"]._groups(self.ids)
        for cadence in self:
            treated = groups.get((cadence.id, "treated"), (0, 0, 0.0))
            control = groups.get((cadence.id, "control"), (0, 0, 0.0))
            measured = lift_interval(*treated[:2], *control[:2])
            cadence.impact_customer_count = treated[0] + control[0]
            cadence.impact_revenue = (
                (treated[2] / treated[0] - control[2] / control[0]) * treated[0]
                if measured
                else 0.0
            )
            lift, low, high = measured or (0.0, 0.0, 0.0)
            cadence.impact_lift, cadence.impact_lift_low, cadence.impact_lift_high = lift, low, high
            cadence.impact_summary = cadence._impact_sentence(treated, control, measured)

    def _impact_sentence(self, treated, control, measured):
        if not self.holdout_percent and not control[0]:
            return self.env._("No customer is held out: set a share to measure the rule.")
        if measured is None:
            return self.env._(
                "Not enough customers yet to say anything: %(treated)s treated and %(control)s "
                "held out whose %(days)s days are over (at least %(min)s in each group, with "
                "some who bought again and some who did not).",
                treated=treated[0],
                control=control[0],
                days=self.impact_window_days,
                min=MIN_GROUP_CUSTOMERS,
            )
        lift, low, high = (self._points(value) for value in measured)
        return self.env._(
            "Lift: %(lift)s points of customers buying again within %(days)s days, against "
            "those held out (95 %%: %(low)s to %(high)s), on %(count)s customers.",
            lift=lift,
            low=low,
            high=high,
            days=self.impact_window_days,
            count=treated[0] + control[0],
        )

    def _points(self, value):
        """+12.3 / -4.0, in the reader's language."""
        return ("+" if value > 0 else "") + formatLang(self.env, value, digits=1)
