"""The one-click unsubscribe of every e-mail to a customer (cadence e-mails
and feedback requests): a footer link and the RFC 8058 headers. A link is
signed for the partner and the address it was sent to, and unsubscribes that
address only: a customer who later changes their address cannot blacklist
the new one with an old link."""

from urllib.parse import quote

from markupsafe import Markup

from odoo import api, models, tools

UNSUBSCRIBE_SCOPE = "retention-unsubscribe"


class RetentionUnsubscribe(models.AbstractModel):
    _name = "retention.unsubscribe"
    _description = "Unsubscribe links of customer e-mails"

    @api.model
    def _token(self, partner_id, email):
        return tools.hmac(self.env(su=True), UNSUBSCRIBE_SCOPE, (partner_id, email or ""))

    @api.model
    def _url(self, partner):
        email = partner.email_normalized or ""
        token = self._token(partner.id, email)
        return (
            f"{partner.get_base_url()}/retention/unsubscribe/{partner.id}/{token}"
            f"?email={quote(email)}"
        )

    @api.model
    def _check(self, partner_id, email, token):
        """The partner the link was signed for, if the link is genuine."""
        partner = self.env["res.partner"].sudo().browse(partner_id).exists()
        if partner and email and tools.consteq(self._token(partner_id, email), token or ""):
            return partner
        return self.env["res.partner"]

    @api.model
    def _is_unsigned_address_link(self, partner_id, token):
        """A link of version 18.0.2.4.0 and before, signed for the partner only."""
        legacy = tools.hmac(self.env(su=True), UNSUBSCRIBE_SCOPE, partner_id)
        return tools.consteq(legacy, token or "")

    @api.model
    def _headers(self, url):
        return {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    @api.model
    def _footer(self, company, url):
        """The footer line, in the environment's language."""
        return Markup('<p style="font-size: 12px; color: #888;">%s <a href="%s">%s</a></p>') % (
            self.env._("You receive these messages as a customer of %s.", company.name),
            url,
            self.env._("Unsubscribe"),
        )
