from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        # Confirming, cancelling or moving an order changes its customer's profile.
        touched = {"state", "partner_id", "date_order"} & vals.keys()
        partners = self.partner_id if touched else self.env["res.partner"]
        result = super().write(vals)
        if touched:
            (partners | self.partner_id)._loyalty_recompute()
        return result
