from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    referred_by_id = fields.Many2one(
        "res.partner",
        "Referring Customer",
        index="btree_not_null",
        tracking=True,
        help="The customer who recommended us; carried to the customer when the lead converts.",
    )

    def _merge_get_fields(self):
        # Merging opportunities keeps the referral (the first one set).
        return [*super()._merge_get_fields(), "referred_by_id"]

    def write(self, vals):
        result = super().write(vals)
        # Won or lost: "opportunity won" follow-ups start or stop.
        if {"stage_id", "active"} & vals.keys():
            self.env["retention.cadence"]._trigger_scheduling()
        return result

    def _handle_partner_assignment(self, force_partner_id=False, create_missing=True):
        result = super()._handle_partner_assignment(
            force_partner_id=force_partner_id, create_missing=create_missing
        )
        for lead in self.filtered(lambda lead: lead.referred_by_id and lead.partner_id):
            customer = lead.partner_id.commercial_partner_id
            if (
                not customer.referred_by_id
                and lead.referred_by_id.commercial_partner_id != customer
            ):
                customer.referred_by_id = lead.referred_by_id
        return result
