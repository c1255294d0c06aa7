from odoo import http
from odoo.http import request
from odoo.tools import email_normalize

from ..models.retention_referral import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from ..models.retention_referral_limits import TooManyReferrals

CODE_MAX_LENGTH = 64


class RetentionReferralController(http.Controller):
    """A customer's public referral page: a friend leaves a name and an
    e-mail. A GET only shows; a POST records; each refusal has its status
    (404 unknown code, 400 bad input, 429 too many from one address)."""

    def _find(self, code):
        if not code or len(code) > CODE_MAX_LENGTH:
            return None
        # An archived customer's code is dead: no lead, no welcome code.
        profile = (
            request.env["retention.profile"]
            .sudo()
            .search([("referral_code", "=", code), ("partner_id.active", "=", True)], limit=1)
        )
        # The page speaks the friend's language (the browser's), not the referrer's.
        return profile or None

    def _page(self, template, profile, status=200, **values):
        return request.render(
            template,
            {"profile": profile, "company": profile.company_id if profile else None, **values},
            status=status,
        )

    def _message(self, title, text, status, profile=None):
        return self._page(
            "retention_loyalty.referral_page_message", profile, status, title=title, text=text
        )

    def _unknown(self):
        return self._message(
            request.env._("This link is not valid"),
            request.env._("Please ask your friend for their referral link."),
            404,
        )

    @http.route(
        "/retention/referral/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,  # a GET writes nothing: a read replica may serve it
        sitemap=False,
    )
    def referral_page(self, code, **kwargs):
        profile = self._find(code)
        if not profile:
            return self._unknown()
        return self._form(profile, code)

    def _form(self, profile, code, status=200, **values):
        return self._page(
            "retention_loyalty.referral_page_form",
            profile,
            status,
            code=code,
            **{"name": "", "email": "", "consent": False, **values},
            **profile._referral_page_values(),
        )

    @http.route(
        "/retention/referral/<string:code>/submit",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def referral_submit(self, code, name=None, email=None, consent=None, **kwargs):
        profile = self._find(code)
        if not profile:
            return self._unknown()
        ip_address = request.httprequest.remote_addr or ""
        Referral = request.env["retention.referral"]
        name, email = (name or "").strip(), (email or "").strip()
        if (
            not name
            # PostgreSQL refuses NUL bytes in text: bad input, not an error.
            or "\x00" in name + email
            or len(name) > MAX_NAME_LENGTH
            or len(email) > MAX_EMAIL_LENGTH
            or not email_normalize(email)
        ):
            return self._form(
                profile,
                code,
                400,
                name=name[:MAX_NAME_LENGTH].replace("\x00", ""),
                email=email[:MAX_EMAIL_LENGTH].replace("\x00", ""),
                consent=bool(consent),
                error=request.env._("Please give your name and a valid e-mail address."),
            )
        if not consent:
            # Nothing of the friend is kept without their consent (GDPR).
            return self._form(
                profile,
                code,
                400,
                name=name,
                email=email,
                error=request.env._("Please agree that we keep your name and e-mail."),
            )
        try:
            # The limit is checked with the insert, under the gate: see
            # retention_referral_limits.py.
            referral = Referral.sudo()._submit_from_page(
                profile, name, email, ip_address, profile._referral_consent_text()
            )
        except TooManyReferrals as refusal:
            return self._message(request.env._("Too many referrals"), str(refusal), 429, profile)
        return self._page(
            "retention_loyalty.referral_page_thanks",
            profile,
            referral=referral,
            **referral._thanks_values(),
        )
