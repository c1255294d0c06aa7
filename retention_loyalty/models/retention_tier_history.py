from odoo import api, fields, models

TIER_REASONS = [
    ("thresholds", "Thresholds"),
    ("kept", "Kept by the grace period"),
    ("grace_ended", "Grace period ended"),
]


class RetentionTierHistory(models.Model):
    """Each tier change of a customer, written by the loyalty engine: what the
    "tier changed" cadence trigger and the tier movement report read."""

    _name = "retention.tier.history"
    _description = "Loyalty Tier Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Date(required=True, index=True)
    old_tier_id = fields.Many2one("retention.tier", "From Tier", ondelete="set null")
    new_tier_id = fields.Many2one("retention.tier", "To Tier", ondelete="set null")
    is_upgrade = fields.Boolean("Upgrade", index=True)
    reason = fields.Selection(
        TIER_REASONS,
        required=True,
        default="thresholds",
        help="Thresholds: the customer met the new tier's thresholds, or missed the old "
        "one's with no grace period. Kept: below the tier's thresholds, the grace period "
        "keeps it (the tier does not change). Grace period ended: moved down one tier.",
    )
    movement = fields.Char(
        compute="_compute_movement", help="From which tier to which, e.g. Silver → Gold."
    )
    company_id = fields.Many2one("res.company", index=True, ondelete="cascade")

    @api.depends("old_tier_id.name", "new_tier_id.name", "reason")
    def _compute_movement(self):
        for change in self:
            if change.reason == "kept":
                change.movement = self.env._(
                    "%(tier)s kept by the grace period", tier=change.new_tier_id.name
                )
                continue
            change.movement = self.env._(
                "%(old)s → %(new)s",
                old=change.old_tier_id.name or self.env._("No tier"),
                new=change.new_tier_id.name or self.env._("No tier"),
            )
