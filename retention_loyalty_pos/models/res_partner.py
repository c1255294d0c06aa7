from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_tier_name = fields.Char(
        "Tier Name",
        compute="_compute_loyalty_tier_till",
        groups="base.group_user",
        help="The customer's loyalty tier in the current company, as the till shows it.",
    )
    loyalty_tier_ref = fields.Integer(
        "Tier Id",
        compute="_compute_loyalty_tier_till",
        groups="base.group_user",
        help="The customer's tier in the current company, as the till compares offers with it.",
    )

    @api.depends("loyalty_tier_id")
    @api.depends_context("company")
    def _compute_loyalty_tier_till(self):
        # Read as superuser: a cashier need not be a retention user to see it.
        for partner in self:
            tier = partner.loyalty_tier_id.sudo()
            partner.loyalty_tier_name = tier.name or False
            partner.loyalty_tier_ref = tier.id

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The till shows the customer's tier (and the offers bridge compares
        # it); their pricelist (the tier's, see pos_config.py) is already
        # among Odoo's fields.
        return [*super()._load_pos_data_fields(config_id), "loyalty_tier_name", "loyalty_tier_ref"]
