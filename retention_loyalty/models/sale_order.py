from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    departure_date = fields.Date(
        "Departure / Go-live Date",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The customer's big day (a trip's departure, a go-live): cadence rules can "
        "schedule touches before it, such as a weekly countdown call.",
    )

    def write(self, vals):
        # Confirming or cancelling an order, or moving a confirmed one to another
        # customer or date, changes the customers' profiles; quotations don't.
        confirmed = "sale" in self.mapped("state")
        touched = "state" in vals or ({"partner_id", "date_order"} & vals.keys() and confirmed)
        partners = self.partner_id if touched else self.env["res.partner"]
        result = super().write(vals)
        if touched:
            (partners | self.partner_id)._loyalty_recompute()
        # Follow-ups start, move or stop with the order: schedule them soon.
        if touched or (
            {"departure_date", "commitment_date", "user_id"} & vals.keys() and confirmed
        ):
            self.env["retention.cadence"]._trigger_scheduling()
        return result

    def action_log_complaint(self):
        self.ensure_one()
        return self.env["retention.complaint"]._action_log(
            {
                "partner_id": self.partner_id.id,
                "sale_order_id": self.id,
                "product_id": self.order_line.product_id[:1].id,
                "company_id": self.company_id.id,
            }
        )
