from odoo import models

# A customer invoice or credit note moves its customer's figures when it is
# posted, reset to draft or cancelled (only posted ones are purchases).
SALE_DOCUMENTS = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        documents = self.filtered(lambda move: move.move_type in SALE_DOCUMENTS)
        before = {move.id: move.state for move in documents}
        result = super().write(vals)
        moved = documents.filtered(
            lambda move: (before[move.id] == "posted") != (move.state == "posted")
        )
        if moved:
            moved.commercial_partner_id._loyalty_recompute()
            posted = moved.filtered(lambda move: move.state == "posted")
            if posted:
                # A referred friend's first purchase may be a direct invoice.
                self.env["retention.referral"]._purchases_made(posted)
                self.env["retention.cadence"]._trigger_scheduling()
        return result
