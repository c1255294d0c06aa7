"""The named search and inverse methods of the profile fields on res.partner
(res_partner_profile.py): one per field, written out so that grep finds them
and another addon can override one; each hands over to the shared
`_search_profile` / `_inverse_profile`."""

from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _search_loyalty_revenue(self, operator, value):
        return self._search_profile("loyalty_revenue", operator, value)

    def _search_loyalty_order_count(self, operator, value):
        return self._search_profile("loyalty_order_count", operator, value)

    def _search_lifetime_revenue(self, operator, value):
        return self._search_profile("lifetime_revenue", operator, value)

    def _search_first_order_date(self, operator, value):
        return self._search_profile("first_order_date", operator, value)

    def _search_last_order_date(self, operator, value):
        return self._search_profile("last_order_date", operator, value)

    def _search_tier_below_since(self, operator, value):
        return self._search_profile("tier_below_since", operator, value)

    def _search_tier_kept_until(self, operator, value):
        return self._search_profile("tier_kept_until", operator, value)

    def _search_is_key_account(self, operator, value):
        return self._search_profile("is_key_account", operator, value)

    def _search_satisfaction_score(self, operator, value):
        return self._search_profile("satisfaction_score", operator, value)

    def _search_nps_category(self, operator, value):
        return self._search_profile("nps_category", operator, value)

    def _search_effort_score(self, operator, value):
        return self._search_profile("effort_score", operator, value)

    def _search_last_feedback_date(self, operator, value):
        return self._search_profile("last_feedback_date", operator, value)

    def _search_referral_count(self, operator, value):
        return self._search_profile("referral_count", operator, value)

    def _search_referral_revenue(self, operator, value):
        return self._search_profile("referral_revenue", operator, value)

    def _search_order_interval_days(self, operator, value):
        return self._search_profile("order_interval_days", operator, value)

    def _search_next_review_date(self, operator, value):
        return self._search_profile("next_review_date", operator, value)

    def _search_lifetime_order_count(self, operator, value):
        return self._search_profile("lifetime_order_count", operator, value)

    def _search_previous_revenue(self, operator, value):
        return self._search_profile("previous_revenue", operator, value)

    def _search_health_score(self, operator, value):
        return self._search_profile("health_score", operator, value)

    def _search_health_band(self, operator, value):
        return self._search_profile("health_band", operator, value)

    def _search_health_expected_interval(self, operator, value):
        return self._search_profile("health_expected_interval", operator, value)

    def _search_loyalty_tier_id(self, operator, value):
        return self._search_profile("loyalty_tier_id", operator, value)

    def _search_loyalty_tier_locked(self, operator, value):
        return self._search_profile("loyalty_tier_locked", operator, value)

    def _search_advocacy_stage(self, operator, value):
        return self._search_profile("advocacy_stage", operator, value)

    def _search_advocacy_stage_manual(self, operator, value):
        return self._search_profile("advocacy_stage_manual", operator, value)

    def _search_reference_consent(self, operator, value):
        return self._search_profile("reference_consent", operator, value)

    def _search_opportunity_level(self, operator, value):
        return self._search_profile("opportunity_level", operator, value)

    def _search_last_review_date(self, operator, value):
        return self._search_profile("last_review_date", operator, value)

    def _search_referral_code(self, operator, value):
        return self._search_profile("referral_code", operator, value)

    def _inverse_loyalty_tier_id(self):
        return self._inverse_profile("loyalty_tier_id")

    def _inverse_loyalty_tier_locked(self):
        return self._inverse_profile("loyalty_tier_locked")

    def _inverse_advocacy_stage(self):
        return self._inverse_profile("advocacy_stage")

    def _inverse_advocacy_stage_manual(self):
        return self._inverse_profile("advocacy_stage_manual")

    def _inverse_reference_consent(self):
        return self._inverse_profile("reference_consent")

    def _inverse_opportunity_level(self):
        return self._inverse_profile("opportunity_level")

    def _inverse_last_review_date(self):
        return self._inverse_profile("last_review_date")
