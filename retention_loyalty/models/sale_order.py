from odoo import api, fields, models

from .retention_feedback import check_future_date

# What the loyalty profile reads of a confirmed order, and of its lines.
ORDER_INPUTS = {"partner_id", "date_order", "company_id", "currency_id", "pricelist_id"}
LINE_INPUTS = {
    "price_unit",
    "product_uom_qty",
    "discount",
    "tax_id",
    "product_id",
    "product_uom",
    "display_type",
}


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

    @api.constrains("departure_date")
    def _check_departure_date(self):
        for order in self:
            check_future_date(self.env, order.departure_date, self.env._("The departure date"))

    def write(self, vals):
        # Confirming or cancelling an order, or moving a confirmed one to another
        # customer or date, changes the customers' profiles; quotations don't.
        confirmed = "sale" in self.mapped("state")
        touched = "state" in vals or (ORDER_INPUTS & vals.keys() and confirmed)
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

    def _action_confirm(self):
        result = super()._action_confirm()
        # A referred friend's first order: the referral is bought.
        self.env["retention.referral"]._orders_confirmed(self)
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


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # A confirmed order repriced, or given a line more or less, changes its
    # amount and so its customer's revenue, tier and key-account flag.
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._loyalty_recompute_confirmed()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if LINE_INPUTS & vals.keys():
            self._loyalty_recompute_confirmed()
        return result

    def unlink(self):
        customers = self._loyalty_confirmed_customers()
        result = super().unlink()
        customers._loyalty_recompute()
        return result

    def _loyalty_recompute_confirmed(self):
        self._loyalty_confirmed_customers()._loyalty_recompute()

    def _loyalty_confirmed_customers(self):
        return self.order_id.filtered(lambda order: order.state == "sale").partner_id
