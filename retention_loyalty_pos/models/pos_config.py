from odoo import models


class PosConfig(models.Model):
    _inherit = "pos.config"

    def _get_available_pricelists(self):
        """The tiers' pricelists too (in the till's currency): selecting a
        customer at the till applies their pricelist when the till has it, so
        a tier member pays the tier's prices, as on a quotation."""
        pricelists = super()._get_available_pricelists()
        tiers = (
            self.env["retention.tier"]
            ._pricelist_benefits()
            .filtered(lambda tier: tier.company_id in (self.company_id, tier.company_id.browse()))
        )
        return pricelists | tiers.pricelist_id.filtered(
            lambda pricelist: (
                pricelist.currency_id == self.currency_id
                and pricelist.company_id in (self.company_id, pricelist.company_id.browse())
            )
        )
