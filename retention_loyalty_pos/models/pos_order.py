from odoo import api, models

from .retention_purchase import COUNTED_STATES

# What moves a till order's purchase: its state (paid, cancelled), customer,
# amounts or date.
PURCHASE_INPUTS = {"state", "partner_id", "amount_total", "amount_tax", "date_order", "company_id"}


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._loyalty_purchases_changed(orders.filtered(lambda o: o.state in COUNTED_STATES))
        return orders

    def write(self, vals):
        if not PURCHASE_INPUTS & vals.keys():
            return super().write(vals)
        # Only orders whose purchase changes: closing a session moves paid
        # orders to posted ("done"), which changes no figure.
        before = {order.id: (order.state in COUNTED_STATES, order.partner_id) for order in self}
        # Read before the write: Odoo's adds the order's name to vals as it pays it.
        moved = bool((PURCHASE_INPUTS & vals.keys()) - {"state"})
        result = super().write(vals)
        changed = self.filtered(
            lambda order: (
                before[order.id][0] != (order.state in COUNTED_STATES)
                or (moved and order.state in COUNTED_STATES)
            )
        )
        previous = self.env["res.partner"].union(*(before[order.id][1] for order in changed))
        self._loyalty_purchases_changed(changed, previous)
        return result

    def _loyalty_purchases_changed(self, orders, previous_partners=None):
        """One immediate update for all these orders' customers, before and
        after (a batch of orders is one statement), and the cadence engine soon."""
        if not orders:
            return
        (orders.partner_id | (previous_partners or self.env["res.partner"]))._loyalty_recompute()
        paid = orders.filtered(lambda order: order.state in COUNTED_STATES)
        if paid:
            # A referred friend's first purchase may be at the till.
            self.env["retention.referral"]._purchases_made(paid)
            self.env["retention.cadence"]._trigger_scheduling()
