from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        # Confirming or cancelling an order, or moving a confirmed one to another
        # customer or date, changes the customers' profiles; quotations don't.
        touched = "state" in vals or (
            {"partner_id", "date_order"} & vals.keys() and "sale" in self.mapped("state")
        )
        partners = self.partner_id if touched else self.env["res.partner"]
        result = super().write(vals)
        if touched:
            (partners | self.partner_id)._loyalty_recompute()
        return result
