from datetime import timedelta

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request


class RetentionPortal(CustomerPortal):
    """My loyalty: the portal user's own commercial entity in the portal's
    company, nothing else (no id in the URL to change)."""

    def _retention_profile(self, create=False):
        user = request.env.user
        return request.env["retention.profile"]._portal_profile(
            user.partner_id, request.env.company, create=create
        )

    # Read only: served by a read replica where Odoo has one (--db_replica_host).
    @http.route(
        "/my/loyalty", type="http", auth="user", methods=["GET"], website=True, readonly=True
    )
    def portal_my_loyalty(self, **kwargs):
        if request.env.user._is_public():
            return request.redirect("/web/login?redirect=/my/loyalty")
        profile = self._retention_profile()
        values = self._prepare_portal_layout_values()
        values.update(profile._portal_values(), page_name="retention_loyalty")
        return request.render("retention_loyalty.portal_my_loyalty", values)

    @http.route(
        "/my/loyalty/referral-link", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_loyalty_referral_link(self, **kwargs):
        """The customer's referral link, made on first request."""
        self._retention_profile(create=True)
        return request.redirect("/my/loyalty#retention_my_referrals")

    @http.route("/my/loyalty/feedback", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_loyalty_feedback(self, **kwargs):
        """Give feedback now: a feedback link of the customer's own, opened at once."""
        profile = self._retention_profile(create=True)
        Request = request.env["retention.feedback.request"].sudo()
        engine = request.env["retention.engine"]
        # One answer per quiet period, as for e-mailed requests: a recent link
        # of the customer's opens again (its answer may still be changed).
        recent = Request.search(
            [
                ("partner_id", "=", request.env.user.partner_id.id),
                ("company_id", "=", profile.company_id.id),
                (
                    "create_date",
                    ">=",
                    fields.Datetime.now() - timedelta(days=engine._setting("feedback_quiet_days")),
                ),
            ],
            order="id desc",
            limit=1,
        )
        if recent:
            return request.redirect(f"/retention/feedback/{recent.access_token}")
        days = engine._setting("feedback_valid_days")
        feedback_request = Request.create(
            {
                "partner_id": request.env.user.partner_id.id,
                "company_id": profile.company_id.id,
                "date_expiry": fields.Datetime.now() + timedelta(days=days),
                "user_id": profile.partner_id.user_id.id,
                "res_model": "retention.profile",
                "res_id": profile.id,
            }
        )
        return request.redirect(f"/retention/feedback/{feedback_request.access_token}")
