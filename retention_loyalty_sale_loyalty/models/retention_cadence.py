"""The "tier reward expiring" trigger: a set number of days before an unused
entry reward (a card of retention.tier.reward) expires, so that an e-mail or
a rep reminds the customer. Follow-ups go on the customer (a card has no
chatter of its own); one per card."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MAX_NOTICE_DAYS = 365


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    trigger = fields.Selection(
        selection_add=[("tier_reward_expiring", "Tier reward expiring")],
        ondelete={"tier_reward_expiring": "cascade"},
    )
    reward_notice_days = fields.Integer(
        "Days Before the Reward Expires",
        default=14,
        help="The rule starts this many days before an unused tier entry reward expires.",
    )

    @api.constrains("reward_notice_days")
    def _check_reward_notice_days(self):
        for cadence in self:
            if cadence.trigger == "tier_reward_expiring" and not (
                0 <= cadence.reward_notice_days <= MAX_NOTICE_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the reminder comes 0 to %(max)s days before the "
                        "reward expires (you entered %(days)s).",
                        rule=cadence.display_name,
                        max=MAX_NOTICE_DAYS,
                        days=cadence.reward_notice_days,
                    )
                )

    def _trigger_tier_reward_expiring_traits(self):
        return {"source": "loyalty.card", "event": False}

    def _trigger_tier_reward_expiring_sources(self, window):
        anchor = SQL("(c.expiration_date - %s)", self.reward_notice_days or 0)
        return SQL(
            """SELECT %(row)s
                 FROM retention_tier_reward r JOIN loyalty_card c ON c.id = r.card_id
                WHERE c.expiration_date IS NOT NULL AND c.points > 0
                  AND %(company)s AND %(scope)s""",
            row=window.row(
                SQL("r.partner_id"),
                "loyalty.card",
                SQL("c.id"),
                start_date=SQL("r.date"),
                anchor_date=anchor,
                company_id=SQL("r.company_id"),
            ),
            company=window.company(SQL("r.company_id")),
            scope=window.scope(SQL("c.id"), window.until(anchor)),
        )
