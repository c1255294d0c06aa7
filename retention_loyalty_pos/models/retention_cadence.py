from odoo import fields, models
from odoo.tools import SQL

from .retention_purchase import COUNTED_STATES


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    trigger = fields.Selection(
        selection_add=[("pos_order_paid", "Till sale paid")],
        ondelete={"pos_order_paid": "cascade"},
    )

    def _trigger_pos_order_paid_traits(self):
        # Till orders have no activities of their own: follow-ups go on the customer.
        return {"source": "pos.order"}

    def _trigger_pos_order_paid_sources(self, window):
        """Paid till sales of an identified customer (not refunds)."""
        return window.select(
            "pos.order",
            SQL("pos_order o JOIN res_partner p ON p.id = o.partner_id"),
            SQL("o.state IN %s AND o.amount_total > 0", COUNTED_STATES),
            (SQL("p.commercial_partner_id"), SQL("o.id"), SQL("o.company_id"),
             window.day(SQL("o.date_order")), SQL("o.user_id")),
            window.between(SQL("o.date_order")),
        )  # fmt: skip
