from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request


class OutOfDate(Exception):
    """A link of before links named their address: it could unsubscribe an
    address the partner took since, so it only says so."""


class RetentionUnsubscribeController(http.Controller):
    """One-click unsubscribe from customer e-mails (RFC 8058): the e-mail's
    List-Unsubscribe header POSTs here without a session; the footer link
    shows a page with one button. The signed link names the partner and the
    address it was sent to, and unsubscribes that address: a forged or
    altered one gets 404, one of before links named their address 410.
    Opting out puts the address in mail.blacklist, which every rule and
    feedback request respects."""

    def _partner(self, partner_id, token, email):
        links = request.env["retention.unsubscribe"]
        partner = links._check(partner_id, email, token)
        if not partner:
            if links._is_unsigned_address_link(partner_id, token):
                raise OutOfDate()
            raise NotFound()
        request.update_context(lang=partner.lang or request.env.lang)
        return partner

    def _out_of_date(self):
        return request.render(
            "retention_loyalty.unsubscribe_page", {"partner": None, "out_of_date": True}, status=410
        )

    @http.route(
        "/retention/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,  # a GET writes nothing: a read replica may serve it
    )
    def unsubscribe_page(self, partner_id, token, email=None, **kwargs):
        try:
            partner = self._partner(partner_id, token, email)
        except OutOfDate:
            return self._out_of_date()
        if request.env["mail.blacklist"].sudo()._search([("email", "=", email)], limit=1):
            return self._done(partner, token, email)
        return request.render(
            "retention_loyalty.unsubscribe_page",
            {
                "partner": partner,
                "email": email,
                "action": f"/retention/unsubscribe/{partner.id}/{token}?"
                + urlencode({"email": email}),
            },
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
    def unsubscribe(self, partner_id, token, email=None, **kwargs):
        try:
            partner = self._partner(partner_id, token, email)
        except OutOfDate:
            return self._out_of_date()
        # The address the e-mail went to, whatever the partner's is today.
        request.env["mail.blacklist"].sudo()._add(
            email, message=request.env._("Unsubscribed from follow-up e-mails (one-click link).")
        )
        return self._done(partner, token, email)

    def _done(self, partner, token, email):
        return request.render(
            "retention_loyalty.unsubscribe_page",
            {
                "partner": partner,
                "email": email,
                "done": True,
                "resubscribe_action": f"/retention/unsubscribe/{partner.id}/{token}/resubscribe?"
                + urlencode({"email": email}),
            },
        )

    # A mistake undone from the same page: a browser's form, with its CSRF token.
    @http.route(
        "/retention/unsubscribe/<int:partner_id>/<string:token>/resubscribe",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def resubscribe(self, partner_id, token, email=None, **kwargs):
        try:
            partner = self._partner(partner_id, token, email)
        except OutOfDate:
            return self._out_of_date()
        request.env["mail.blacklist"].sudo()._remove(
            email, message=request.env._("Subscribed again to follow-up e-mails (their link).")
        )
        return request.render(
            "retention_loyalty.unsubscribe_page",
            {"partner": partner, "email": email, "resubscribed": True},
        )
