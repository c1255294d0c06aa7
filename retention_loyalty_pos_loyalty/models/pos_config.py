from odoo import models


class PosConfig(models.Model):
    _inherit = "pos.config"

    def use_coupon_code(self, code, creation_date, partner_id, pricelist_id):
        """A coupon of a program limited to tiers is refused, with whom it is
        for, to a customer of another tier (the till checks promotions and
        codes of its own; coupons are checked here)."""
        result = super().use_coupon_code(code, creation_date, partner_id, pricelist_id)
        if not result.get("successful"):
            return result
        program = self.env["loyalty.program"].sudo().browse(result["payload"]["program_id"])
        partner = self.env["res.partner"].browse(partner_id)
        refusal = program._retention_tier_refusal(partner, self.company_id)
        if refusal:
            return {"successful": False, "payload": {"error_message": refusal}}
        return result
