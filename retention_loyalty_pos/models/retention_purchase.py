from odoo import fields, models
from odoo.tools import SQL

# A till order is a purchase once paid (then posted with its session, or
# invoiced at the till); a refund is a till order with a negative total.
COUNTED_STATES = ("paid", "done", "invoiced")


class RetentionPurchase(models.Model):
    _inherit = "retention.purchase"

    # Nothing to do when the value goes: the uninstall rebuilds the view without it.
    channel = fields.Selection(
        selection_add=[("pos", "Point of Sale")], ondelete={"pos": lambda purchases: None}
    )

    def _purchase_inputs(self):
        return {
            **super()._purchase_inputs(),
            "pos.order": [
                "state", "partner_id", "date_order", "amount_total", "amount_tax",
                "currency_rate", "company_id", "name", "account_move",
            ],
        }  # fmt: skip

    def _purchase_source_pos(self, scope, channel, index):
        """Paid till orders of an identified customer; refunds (negative
        orders) take their amount off and are no order."""
        return SQL(
            """SELECT %s FROM pos_order o JOIN res_partner buyer ON buyer.id = o.partner_id
                WHERE o.state IN %s AND %s""",
            self._purchase_columns(
                channel,
                index,
                doc=SQL("o.id"),
                partner=SQL("buyer.commercial_partner_id"),
                company=SQL("o.company_id"),
                date=scope.day(SQL("o.date_order")),
                amount=SQL(
                    "(o.amount_total - o.amount_tax) / COALESCE(NULLIF(o.currency_rate, 0), 1)"
                ),
                is_order=SQL("o.amount_total >= 0"),
                model="pos.order",
                name=SQL("o.name"),
            ),
            COUNTED_STATES,
            scope.condition(SQL("buyer.commercial_partner_id")),
        )

    def _purchase_counted_elsewhere(self, move, move_type):
        """An invoice or credit note made at the till is its till order's."""
        return SQL(
            "(%s OR EXISTS (SELECT 1 FROM pos_order po WHERE po.account_move = %s.id))",
            super()._purchase_counted_elsewhere(move, move_type),
            move,
        )
