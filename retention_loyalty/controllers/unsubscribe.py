from werkzeug.exceptions import NotFound

from odoo import http, tools
from odoo.http import request

from ..models.retention_cadence_touches import UNSUBSCRIBE_SCOPE


class RetentionUnsubscribeController(http.Controller):
    """One-click unsubscribe from cadence e-mails (RFC 8058): the e-mail's
    List-Unsubscribe header POSTs here without a session; the footer link
    shows a page with one button. The signed link names the partner: a forged
    or altered one gets 404. Opting out puts the address in mail.blacklist,
    which every rule and feedback request respects."""

    def _partner(self, partner_id, token):
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        expected = tools.hmac(request.env(su=True), UNSUBSCRIBE_SCOPE, partner_id)
        if not partner or not tools.consteq(expected, token or ""):
            raise NotFound()
        request.update_context(lang=partner.lang or request.env.lang)
        return partner

    @http.route(
        "/retention/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def unsubscribe_page(self, partner_id, token, **kwargs):
        partner = self._partner(partner_id, token)
        return request.render(
            "retention_loyalty.unsubscribe_page",
            {"partner": partner, "token": token, "done": partner.is_blacklisted},
        )

    # No CSRF token: mail clients post the one-click request themselves; the
    # signed link is the proof.
    @http.route(
        "/retention/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
    )
    def unsubscribe(self, partner_id, token, **kwargs):
        partner = self._partner(partner_id, token)
        if partner.email_normalized:
            request.env["mail.blacklist"].sudo()._add(
                partner.email_normalized,
                message=request.env._("Unsubscribed from follow-up e-mails (one-click link)."),
            )
        return request.render(
            "retention_loyalty.unsubscribe_page", {"partner": partner, "token": token, "done": True}
        )
