from odoo import fields, models
from odoo.tools.i18n import format_list


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    retention_tier_ids = fields.Many2many(
        "retention.tier",
        string="For Tiers",
        relation="loyalty_program_retention_tier_rel",
        column1="loyalty_program_id",
        column2="retention_tier_id",
        help="Only customers in these loyalty tiers (in the order's company) get this "
        "program; others are told whom it is for. Empty: everybody.",
    )

    def _retention_tier_refusal(self, partner, company):
        """Why `partner` may not use this program in `company` ("This offer
        is for Gold members."), or False when they may."""
        self.ensure_one()
        # As superuser: a cashier, a shop visitor or any salesperson may meet
        # the offer without reading tiers.
        tiers = self.sudo().retention_tier_ids
        if not tiers:
            return False
        holder = partner.commercial_partner_id.with_company(company)
        if holder.sudo().loyalty_tier_id in tiers:
            return False
        names = tiers.sorted(lambda t: (t.sequence, t.id)).mapped("name")
        return self.env._(
            "This offer is for %(tiers)s members.",
            tiers=format_list(self.env, names, style="or"),
        )
