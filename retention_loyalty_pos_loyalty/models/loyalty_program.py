from odoo import api, fields, models


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    # What the till needs of the tiers (it does not load retention.tier): the
    # ids it compares with the customer's, and the refusal it shows.
    retention_tier_refs = fields.Char("Tiers at the Till", compute="_compute_retention_tier_till")
    retention_tier_refusal = fields.Char(
        "Refusal at the Till", compute="_compute_retention_tier_till"
    )

    @api.depends("retention_tier_ids")
    def _compute_retention_tier_till(self):
        for program in self:
            tiers = program.retention_tier_ids
            program.retention_tier_refs = ",".join(str(tier_id) for tier_id in tiers.ids)
            program.retention_tier_refusal = (
                program._retention_tier_refusal(self.env["res.partner"], self.env.company)
                if tiers
                else False
            )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "retention_tier_refs",
            "retention_tier_refusal",
        ]
