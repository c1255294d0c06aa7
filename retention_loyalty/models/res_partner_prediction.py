"""The predictions on the customer (current company's profile): the figures,
their search methods, and the sentence of the Loyalty tab."""

from odoo import api, fields, models
from odoo.tools import format_date, formatLang

from .res_partner_profile import _profile_field


class ResPartner(models.Model):
    _inherit = "res.partner"

    predicted_order_count = _profile_field(
        fields.Float, "Expected Orders", name="predicted_order_count"
    )
    predicted_revenue = _profile_field(
        fields.Monetary,
        "Expected Revenue",
        name="predicted_revenue",
        currency_field="loyalty_currency_id",
    )
    churn_probability = _profile_field(
        fields.Float,
        "Chance of No Order",
        name="churn_probability",
        aggregator="avg",
        help="The probability of no purchase in the prediction horizon (Settings), 0-1.",
    )
    predicted_next_order_date = _profile_field(
        fields.Date,
        "Next Order Expected",
        name="predicted_next_order_date",
        help="The last purchase plus the customer's expected days between purchases; empty "
        "when the customer is more likely gone than not. Past: the order is overdue.",
    )
    revenue_at_risk = _profile_field(
        fields.Monetary,
        "Revenue at Risk",
        name="revenue_at_risk",
        currency_field="loyalty_currency_id",
        help="The revenue of the evaluation window, brought to the prediction horizon, times "
        "the chance of no order in it.",
    )
    prediction_summary = fields.Char(
        "Prediction", compute="_compute_prediction_summary", groups="base.group_user"
    )

    def _search_predicted_order_count(self, operator, value):
        return self._search_profile("predicted_order_count", operator, value)

    def _search_predicted_revenue(self, operator, value):
        return self._search_profile("predicted_revenue", operator, value)

    def _search_churn_probability(self, operator, value):
        return self._search_profile("churn_probability", operator, value)

    def _search_predicted_next_order_date(self, operator, value):
        return self._search_profile("predicted_next_order_date", operator, value)

    def _search_revenue_at_risk(self, operator, value):
        return self._search_profile("revenue_at_risk", operator, value)

    @api.depends_context("company", "lang")
    def _compute_prediction_summary(self):
        days = self.env["retention.engine"]._setting("prediction_horizon_days")
        today = self.env["retention.engine"]._today()
        # Every partner reads the current company's profile: one currency.
        money = self.env["retention.profile"]._money_formatter(self.env.company.currency_id)
        for partner in self:
            partner.prediction_summary = (
                partner._prediction_sentence(days, today, money)
                if partner.lifetime_order_count
                else False
            )

    def _prediction_sentence(self, days, today, money):
        """One sentence a rep plans with, in their language."""
        expected = self.env._(
            "Next %(days)s days: about %(orders)s orders and %(revenue)s",
            days=days,
            orders=formatLang(self.env, self.predicted_order_count, digits=1),
            revenue=money(self.predicted_revenue),
        )
        chance = self.env._(
            "chance of no order: %(chance)s %%",
            chance=formatLang(self.env, 100 * self.churn_probability, digits=0),
        )
        next_date = self.predicted_next_order_date
        if not next_date:
            when = self.env._("more likely gone than not")
        elif next_date < today:
            when = self.env._(
                "next order overdue since %(date)s", date=format_date(self.env, next_date)
            )
        else:
            when = self.env._("next order around %(date)s", date=format_date(self.env, next_date))
        # The punctuation is the language's too (Chinese has its full-width ones).
        return self.env._(
            "%(expected)s; %(when)s; %(chance)s.", expected=expected, when=when, chance=chance
        )
