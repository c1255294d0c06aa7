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
        order_day = window.day(SQL("o.date_order"))
        return SQL(
            """SELECT %(row)s
                 FROM pos_order o JOIN res_partner p ON p.id = o.partner_id
                WHERE o.state IN %(states)s AND o.amount_total > 0
                  AND %(company)s AND %(scope)s""",
            row=window.row(
                SQL("p.commercial_partner_id"),
                "pos.order",
                SQL("o.id"),
                start_date=order_day,
                anchor_date=order_day,
                company_id=SQL("o.company_id"),
                doc_user_id=SQL("o.user_id"),
            ),
            states=COUNTED_STATES,
            company=window.company(SQL("o.company_id")),
            scope=window.scope(SQL("o.id"), window.between(SQL("o.date_order"))),
        )
