from odoo import api, models


class RetentionReferral(models.Model):
    _inherit = "retention.referral"

    @api.model
    def _selection_purchase_documents(self):
        return [*super()._selection_purchase_documents(), ("pos.order", self.env._("Till Order"))]
