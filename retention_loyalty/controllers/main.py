from odoo import http
from odoo.http import request

from ..models.retention_feedback_request import MAX_COMMENT_LENGTH

TOKEN_MAX_LENGTH = 100


class RetentionFeedbackController(http.Controller):
    """The customer's side of a feedback request: a public page reached by the
    e-mail's link. It shows and changes nothing but that one request's answer."""

    def _find(self, token):
        if not token or len(token) > TOKEN_MAX_LENGTH:
            return None
        found = (
            request.env["retention.feedback.request"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
        )
        if found:
            request.update_context(lang=found.partner_id.lang or request.env.lang)
        return found or None

    def _message(self, title, text, status, feedback_request=None, **values):
        """A page of one message, under the asking company's logo and name
        when the link is known."""
        return request.render(
            "retention_loyalty.feedback_page_message",
            {"title": title, "text": text, "feedback_request": feedback_request, **values},
            status=status,
        )

    def _promoter_values(self, feedback_request, score):
        """A promoter's thank-you closes the loop: their referral link and the
        company's review page."""
        return request.env["retention.profile"]._promoter_values(
            feedback_request.partner_id, feedback_request.company_id, score
        )

    def _refuse(self, feedback_request):
        """The polite page for a link that cannot be used, or None."""
        if not feedback_request:
            return self._message(
                request.env._("This link is not valid"),
                request.env._(
                    "Please use the link of the e-mail we sent you. Thank you for your time."
                ),
                404,
            )
        status = feedback_request._check_answerable()
        if status == "expired":
            return self._message(
                request.env._("This survey has closed"),
                request.env._("Thank you all the same: your opinion matters to us."),
                410,
                feedback_request,
            )
        if status == "answered":
            return self._message(
                request.env._("We already have your answer"),
                request.env._(
                    "Thank you! You can reply to our e-mail if there is anything to add."
                ),
                410,
                feedback_request,
            )
        return None

    @staticmethod
    def _number(value, low, high):
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        return number if low <= number <= high else None

    def _bad_input(self, feedback_request):
        return self._message(
            request.env._("Something is missing"),
            request.env._(
                "Please choose a score from 0 to 10 (and keep comments under %(max)s characters).",
                max=MAX_COMMENT_LENGTH,
            ),
            400,
            feedback_request,
        )

    @http.route(
        "/retention/feedback/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,  # a GET writes nothing: a read replica may serve it
        sitemap=False,
    )
    def feedback_page(self, token, score=None, **kwargs):
        feedback_request = self._find(token)
        if refusal := self._refuse(feedback_request):
            return refusal
        values = {"feedback_request": feedback_request, "token": token, "scores": range(11)}
        if score is None:
            return request.render("retention_loyalty.feedback_page_question", values)
        number = self._number(score, 0, 10)
        if number is None:
            return self._bad_input(feedback_request)
        # A GET records nothing (mail scanners open every link): the page saves
        # the clicked score by itself (a POST), then offers effort and comment.
        feedback = feedback_request.feedback_id
        return request.render(
            "retention_loyalty.feedback_page_details",
            {
                **values,
                "feedback": feedback,
                "score": number,
                **self._promoter_values(feedback_request, number),
            },
        )

    @http.route(
        "/retention/feedback/<string:token>/submit",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def feedback_submit(self, token, score=None, effort=None, comment=None, **kwargs):
        feedback_request = self._find(token)
        if refusal := self._refuse(feedback_request):
            return refusal
        number = self._number(score, 0, 10)
        effort_number = self._number(effort, 1, 7) if effort else None
        comment = (comment or "").strip()
        if number is None or (effort and effort_number is None):
            return self._bad_input(feedback_request)
        if len(comment) > MAX_COMMENT_LENGTH:
            return self._bad_input(feedback_request)
        feedback_request._record_answer(number, effort_number, comment)
        return self._message(
            request.env._("Thank you!"),
            request.env._("Your answer helps us serve you better."),
            200,
            feedback_request,
            **self._promoter_values(feedback_request, number),
        )
