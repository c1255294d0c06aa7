"""The two prediction triggers, through the trigger registry like any other
(retention_cadence_triggers.py): the customer's next order is overdue by N
days, or their chance of no order in the horizon is above P %. Both are
lasting conditions on each company's profile: one cycle per last order, one
open sequence per customer."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MAX_OVERDUE_DAYS = 3650


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    overdue_days = fields.Integer(
        "Overdue By (days)",
        default=7,
        help="The rule starts this many days after the customer's next order was expected "
        "(Next Order Expected) without one.",
    )
    churn_min_percent = fields.Integer(
        "Chance of No Order From (%)",
        default=60,
        help="The rule starts when the customer's chance of no order in the prediction "
        "horizon reaches this.",
    )

    @api.constrains("overdue_days", "churn_min_percent")
    def _check_prediction_triggers(self):
        for cadence in self:
            if cadence.trigger == "next_order_overdue" and not (
                0 <= cadence.overdue_days <= MAX_OVERDUE_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: an order is overdue by 0 to %(max)s days (you "
                        "entered %(days)s).",
                        rule=cadence.display_name,
                        max=MAX_OVERDUE_DAYS,
                        days=cadence.overdue_days,
                    )
                )
            if cadence.trigger == "churn_probability" and not (
                1 <= cadence.churn_min_percent <= 100  # noqa: PLR2004
            ):
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the chance of no order goes from 1 to 100 %% (you "
                        "entered %(percent)s).",
                        rule=cadence.display_name,
                        percent=cadence.churn_min_percent,
                    )
                )

    def _trigger_next_order_overdue_traits(self):
        return {"event": False, "lasting": True}

    def _trigger_next_order_overdue_sources(self, window):
        return self._profile_sources(
            window,
            cycle=SQL("p.last_order_date"),
            anchor=SQL("(p.predicted_next_order_date + %s)", self.overdue_days or 0),
            condition=SQL("p.predicted_next_order_date IS NOT NULL"),
        )

    def _trigger_churn_probability_traits(self):
        return {"event": False, "lasting": True}

    def _trigger_churn_probability_sources(self, window):
        # The probability has no day of its own: the rule starts on the day it
        # finds it high, once per last order.
        return self._profile_sources(
            window,
            cycle=SQL("p.last_order_date"),
            anchor=SQL("%s::date", self.env["retention.engine"]._today()),
            condition=SQL("p.churn_probability >= %s", (self.churn_min_percent or 60) / 100.0),
        )
