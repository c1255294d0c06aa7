from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _program_check_compute_points(self, programs):
        """A program limited to loyalty tiers is refused, with whom it is for,
        to a customer of another tier: promotions are not applied, a code is
        refused with the reason (on the quotation and in the shop alike)."""
        result = super()._program_check_compute_points(programs)
        for program in programs.filtered("retention_tier_ids"):
            refusal = program._retention_tier_refusal(self.partner_id, self.company_id)
            if refusal:
                result[program] = {"error": refusal}
        return result
