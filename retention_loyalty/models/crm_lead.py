from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    referred_by_id = fields.Many2one(
        "res.partner",
        "Referring Customer",
        index="btree_not_null",
        tracking=True,
        help="The customer who recommended us; carried to the customer when the lead converts.",
    )

    referral_code = fields.Char(
        copy=False,
        help="A customer's personal referral code, keyed by a rep: sets the referring "
        "customer and records the referral.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("referral_code")._apply_referral_code()
        return leads

    def _apply_referral_code(self):
        """The customer whose code in the lead's company this is referred the
        lead: set it, and record the referral (once per lead)."""
        Profile = self.env["retention.profile"].sudo()
        Referral = self.env["retention.referral"].sudo()
        for lead in self:
            company = lead.company_id or self.env.company
            profile = Profile.search(
                [
                    ("referral_code", "=", lead.referral_code.strip()),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
            if not profile:
                raise ValidationError(
                    self.env._(
                        "No customer of %(company)s has the referral code “%(code)s”.",
                        company=company.name,
                        code=lead.referral_code,
                    )
                )
            if not lead.referred_by_id:
                lead.referred_by_id = profile.partner_id
            if not Referral.search_count([("lead_id", "=", lead.id)], limit=1):
                Referral.create(
                    {
                        "referrer_id": profile.partner_id.id,
                        "company_id": company.id,
                        "user_id": lead.user_id.id,
                        "friend_name": lead.contact_name or lead.partner_name or lead.name,
                        "email": lead.email_from,
                        "lead_id": lead.id,
                    }
                )

    def _merge_get_fields(self):
        # Merging opportunities keeps the referral (the first one set).
        return [*super()._merge_get_fields(), "referred_by_id"]

    def write(self, vals):
        result = super().write(vals)
        if vals.get("referral_code"):
            self._apply_referral_code()
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
