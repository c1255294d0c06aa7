"""Customer health on res.partner: the explanation a rep reads on the
Loyalty tab (written by retention.profile, retention_profile_health.py), the
health history button, and the entry point that rescores a customer."""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    health_explanation = fields.Html(
        "Why This Health",
        compute="_compute_health_explanation",
        sanitize=False,
        groups="base.group_user",
        help="Each factor's contribution to the score, in points out of 100.",
    )

    @api.depends("commercial_partner_id")
    @api.depends_context("company", "lang")
    def _compute_health_explanation(self):
        params = self.env["retention.engine"]._settings()
        Profile = self.env["retention.profile"]
        profiles = {
            profile.partner_id.id: profile
            for profile in Profile.sudo().search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        }
        values = Profile._health_factor_values(
            Profile.browse([profile.id for profile in profiles.values()])
        )
        for partner in self:
            profile = profiles.get(partner.commercial_partner_id.id)
            partner.health_explanation = (
                Profile._health_explanation_html(profile, values[profile.id], params)
                if profile and profile.health_band
                else False
            )

    def _health_refresh(self):
        """Rescore these partners' commercial entities now (a complaint or a
        follow-up of theirs changed): the health statement alone."""
        ids = self.commercial_partner_id.ids
        if ids:
            self.env["retention.profile"]._health_update(
                ids, self.env["retention.engine"]._settings()
            )

    def action_view_health_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_health_history"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        # The breadcrumb shows display_name (Odoo 18): both say whose.
        action["name"] = action["display_name"] = self.env._(
            "Health of %(customer)s", customer=self.commercial_partner_id.display_name
        )
        return action
