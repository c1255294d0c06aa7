"""What the customer reads of their own profile on the portal (My loyalty):
their tier and its benefits, the way to the next tier, their referral link
and referees, their feedback. Never an internal figure (satisfaction, health,
key account): the portal page gets these values only."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

# The customer's own answers come through a feedback request's link.
REQUEST = "retention.feedback.request"


def _percent(value, threshold):
    """How far `value` is towards `threshold`, 0 to 100 (100 with no threshold)."""
    if not threshold or threshold <= 0:
        return 100
    return max(0, min(100, int(100 * value / threshold)))


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    @api.model
    def _portal_profile(self, partner, company, create=False):
        """The profile of `partner`'s commercial entity in `company`, as
        superuser. Read only, unless `create` (a POST): a customer without one
        sees an unsaved empty profile, and My loyalty, a GET served by a read
        replica, writes nothing."""
        customer = partner.commercial_partner_id
        if create:
            return self.sudo()._profiles_of(customer, company)
        profile = self.sudo().search(
            [("partner_id", "=", customer.id), ("company_id", "=", company.id)], limit=1
        )
        # No referral code yet: it is made with the profile, when asked for.
        return profile or self.sudo().new(
            {"partner_id": customer.id, "company_id": company.id, "referral_code": False}
        )

    def _portal_next_tier(self):
        """The next tier up the ladder of the profile's company, or None."""
        self.ensure_one()
        tiers = (
            self.env["retention.tier"]
            .sudo()
            .with_company(self.company_id)
            .search([("company_id", "in", [False, self.company_id.id])], order="sequence, id")
        )
        current = self.loyalty_tier_id
        for tier in tiers:
            if not current or (tier.sequence, tier.id) > (current.sequence, current.id):
                if tier != current:
                    return tier
        return None

    def _tier_shortfall(self, tier):
        """(revenue, orders) the customer still misses of `tier`'s thresholds
        in the window: the amount formatted in the company's currency (or
        False), the number of orders (0 or more)."""
        self.ensure_one()
        missing = tier.min_revenue - self.loyalty_revenue
        amount = missing > 0 and format_amount(self.env, missing, self.company_id.currency_id)
        return amount, max(0, tier.min_order_count - self.loyalty_order_count)

    def _portal_progress(self):
        """[(text, percent)] of what is missing for the next tier within the
        evaluation window, e.g. "2,300.00 € more in the next 12 months for Gold"."""
        self.ensure_one()
        tier = self._portal_next_tier()
        if not tier:
            return None
        env = self.env
        months = env["retention.engine"]._setting("evaluation_months")
        today = fields.Date.context_today(self)
        # Never negative: the first order's date is UTC, today the customer's.
        tenure = max(0, (today - self.first_order_date).days) if self.first_order_date else 0
        lines = []
        amount, missing_orders = self._tier_shortfall(tier)
        if amount:
            lines.append(
                (
                    env._(
                        "%(amount)s more in the next %(months)s months for %(tier)s",
                        amount=amount,
                        months=months,
                        tier=tier.name,
                    ),
                    _percent(self.loyalty_revenue, tier.min_revenue),
                )
            )
        if missing_orders:
            lines.append(
                (
                    env._(
                        "%(count)s more orders in the next %(months)s months for %(tier)s",
                        count=missing_orders,
                        months=months,
                        tier=tier.name,
                    )
                    if missing_orders > 1
                    else env._(
                        "1 more order in the next %(months)s months for %(tier)s",
                        months=months,
                        tier=tier.name,
                    ),
                    _percent(self.loyalty_order_count, tier.min_order_count),
                )
            )
        missing_days = tier.min_tenure_days - tenure
        if missing_days > 0:
            lines.append(
                (
                    env._(
                        "%(tier)s from %(date)s at the earliest (customer for %(days)s days)",
                        tier=tier.name,
                        date=format_date(env, today + timedelta(days=missing_days)),
                        days=tier.min_tenure_days,
                    ),
                    _percent(tenure, tier.min_tenure_days),
                )
            )
        if not lines:
            lines.append((env._("%(tier)s at the next update", tier=tier.name), 100))
        return {"tier": tier, "lines": lines}

    def _portal_values(self):
        """Everything the My loyalty page shows, read as superuser and limited
        to this profile's customer and company."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        referrals = (
            self.env["retention.referral"]
            .sudo()
            .search([("referrer_id", "=", partner.id), ("company_id", "=", company.id)])
        )
        feedback = (
            self.env["retention.feedback"]
            .sudo()
            .search(
                # Every answer of theirs: through their links, and the scores
                # they gave a rep on a call or a visit (not the rep's note).
                [("partner_id", "child_of", partner.id), ("company_id", "=", company.id)],
                order="date desc, id desc",
                limit=20,
            )
        )
        tier = self.loyalty_tier_id
        channels = dict(
            self.env["retention.feedback"]._fields["channel"]._description_selection(self.env)
        )
        return {
            "profile": self,
            "company": company,
            "tier": tier,
            "tier_pricelist": tier.pricelist_id.name if tier.pricelist_id else False,
            "progress": self._portal_progress(),
            **self._portal_tier_values(),
            **self._share_values(),
            "referees": [
                {"name": referral.first_name, "status": referral._portal_status()}
                for referral in referrals
            ],
            "rewards": self._portal_rewards(),
            "feedback": [
                {
                    "date": format_date(self.env, answer.date),
                    "score": answer.score,
                    "how": channels[answer.channel],
                    "comment": answer.comment if answer.res_model == REQUEST else False,
                }
                for answer in feedback
            ],
        }

    def _portal_rewards(self):
        """[{name, code, value, expiration}] of the customer's rewards: none
        here; the loyalty rewards addon lists the loyalty cards."""
        return []
