from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_tier_ref = fields.Integer(
        "Tier Id",
        compute="_compute_loyalty_tier_ref",
        groups="base.group_user",
        help="The customer's tier in the current company, as the till compares offers with it.",
    )

    @api.depends("loyalty_tier_id")
    @api.depends_context("company")
    def _compute_loyalty_tier_ref(self):
        for partner in self:
            partner.loyalty_tier_ref = partner.loyalty_tier_id.id

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "loyalty_tier_ref"]
