from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _try_apply_code(self, code):
        """A code of a program for other tiers is refused before anything is
        applied: Odoo takes a next-order coupon without checking its program
        against the order (the check below would not see it)."""
        self.ensure_one()
        rules = self.env["loyalty.rule"].sudo()
        cards = self.env["loyalty.card"].sudo()
        program = (
            rules.search([("mode", "=", "with_code"), ("code", "=", code)], limit=1).program_id
            or cards.search([("code", "=", code)], limit=1).program_id
        )
        refusal = program and program._retention_tier_refusal(self.partner_id, self.company_id)
        if refusal:
            return {"error": refusal}
        return super()._try_apply_code(code)

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
