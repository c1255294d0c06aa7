import json
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.retention_feedback_request import MAX_SUBMISSIONS, UPDATE_WINDOW

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestFeedbackRequestRoutes(HttpCase):
    """A customer answers through the public page, with nothing but the link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("retention_loyalty.feedback_quiet_days", 30)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Link Customer", "email": "link@example.com", "is_company": True}
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Other Customer", "email": "other@example.com", "is_company": True}
        )
        cls.Request = cls.env["retention.feedback.request"]

    def _request(self, partner=None):
        [request], _skipped = self.Request._send_to(partner or self.customer, force=True)
        return request

    def _url(self, request, suffix=""):
        return f"/retention/feedback/{request.sudo().access_token}{suffix}"

    def _answer(self, request, **data):
        page = self.url_open(self._url(request, f"?score={data.get('score', 9)}"))
        csrf = CSRF.search(page.text).group(1)
        return self.url_open(self._url(request, "/submit"), data={"csrf_token": csrf, **data})

    def test_the_link_answers_and_details_change_the_same_feedback(self):
        request = self._request()
        mail = self.env["mail.mail"].search(
            [("model", "=", request._name), ("res_id", "=", request.id)]
        )
        self.assertIn(f"{self._url(request)}?score=10", mail.body_html, "0-10 one-click links")
        # Like every e-mail to a customer: the one-click unsubscribe (RFC 8058).
        self.assertIn("List-Unsubscribe-Post", mail.headers)
        self.assertIn("/retention/unsubscribe/", mail.body_html)
        page = self.url_open(self._url(request, "?score=9"))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Thank you, Link Customer", page.text)
        self.assertFalse(self.customer.feedback_ids, "a GET (a mail scanner) records nothing")
        self.assertEqual(self._answer(request, score="9").status_code, 200)
        [feedback] = self.customer.feedback_ids
        self.assertEqual((feedback.score, feedback.channel), (9, "email"))
        self.assertFalse(feedback.user_id, "the customer answered: no rep logged it")
        # The engine's note of the new stage is not signed "Public user".
        notes = self.customer.message_ids.filtered(lambda m: "Advocacy stage" in (m.body or ""))
        self.assertTrue(notes)
        self.assertNotIn(self.env.ref("base.public_partner"), notes.author_id)
        self.assertIs(feedback.effort_score, False, "no effort given: none stored")
        self.assertEqual(request.state, "answered")
        response = self._answer(request, score="10", effort="6", comment="Quick and kind")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.customer.feedback_ids, feedback, "the same answer, updated")
        self.assertEqual((feedback.score, feedback.effort_score), (10, 6))
        self.assertEqual(feedback.comment, "Quick and kind")
        self.assertEqual(self.customer.advocacy_stage, "promoter")
        self.assertFalse(self.other.feedback_ids)

    def test_one_click_in_a_browser_saves_the_score(self):
        request = self._request()
        self.browser_js(
            self._url(request, "?score=3"),
            "const wait = () => document.querySelector('form.o_retention_saved')"
            " ? console.log('test successful') : setTimeout(wait, 100); wait();",
        )
        self.assertEqual(self.customer.feedback_ids.score, 3)
        self.assertEqual(self.customer.advocacy_stage, "detractor")

    def test_the_page_says_saved_only_once_saved_and_the_scale_is_neutral(self):
        request = self._request()
        page = self.url_open(self._url(request, "?score=8")).text
        # Before the page's own POST answers, it says it is saving, not saved.
        self.assertIn("Saving your score", page)
        self.assertIn('o_retention_saved_text d-none"', page)
        self.assertIn("could not be saved", page)
        self.browser_js(
            self._url(request, "?score=8"),
            "const wait = () => !document.querySelector('.o_retention_saved_text.d-none')"
            " ? console.log('test successful') : setTimeout(wait, 100); wait();",
        )
        # One neutral colour for every score, in the e-mail and on the page.
        mail = self.env["mail.mail"].search(
            [("model", "=", request._name), ("res_id", "=", request.id)]
        )
        self.assertEqual(mail.body_html.count("#5f6b7a"), 11)
        for colour in ("#c0392b", "#1e8449", "btn-outline-danger"):
            self.assertNotIn(colour, mail.body_html + page)

    def test_employees_never_see_the_customers_link(self):
        request = self._request()
        token = request.sudo().access_token
        rep = new_test_user(self.env, login="link_rep", groups="sales_team.group_sale_salesman")
        messages = (
            self.env["mail.message"]
            .with_user(rep)
            .search([("model", "=", request._name), ("res_id", "=", request.id)])
        )
        self.assertTrue(messages, "the request's e-mail is on record")
        self.assertFalse(any(token in str(message.body) for message in messages))
        with self.assertRaises(AccessError):
            self.env["mail.mail"].with_user(rep).search([]).mapped("body_html")
        self.assertFalse(
            self.env["mail.template"].search([("model", "=", request._name)]),
            "no template an employee's composer could render the link with",
        )

    def test_forged_expired_and_used_links_get_a_polite_page(self):
        self.assertEqual(self.url_open("/retention/feedback/forged-token").status_code, 404)
        self.assertEqual(self.url_open("/retention/feedback/" + "x" * 300).status_code, 404)
        expired = self._request()
        expired.date_expiry = fields.Datetime.now() - timedelta(minutes=1)
        response = self.url_open(self._url(expired, "?score=8"))
        self.assertEqual(response.status_code, 410)
        self.assertIn("closed", response.text)
        self.assertNotIn("Traceback", response.text)
        used = self._request(self.other)
        self.assertEqual(self._answer(used, score="8").status_code, 200)
        used.date_answered = fields.Datetime.now() - UPDATE_WINDOW - timedelta(minutes=1)
        self.assertEqual(self.url_open(self._url(used, "?score=2")).status_code, 410)
        self.assertEqual(self.other.feedback_ids.score, 8, "the answer no longer changes")
        self.assertFalse(self.customer.feedback_ids)

    def test_bad_input_and_too_many_submissions(self):
        request = self._request()
        self.assertEqual(self.url_open(self._url(request, "?score=11")).status_code, 400)
        self.assertEqual(self.url_open(self._url(request, "?score=nine")).status_code, 400)
        self.assertFalse(self.customer.feedback_ids)
        response = self.url_open(self._url(request))
        csrf = CSRF.search(response.text)
        self.assertIsNone(csrf, "the question page has plain links, no form")
        too_long = self._answer(request, score="7", comment="x" * 5000)
        self.assertEqual(too_long.status_code, 400)
        self.assertFalse(self.customer.feedback_ids)
        self.assertEqual(self._answer(request, score="7").status_code, 200)
        request.sudo().submission_count = MAX_SUBMISSIONS
        self.assertEqual(self.url_open(self._url(request, "?score=3")).status_code, 410)
        self.assertEqual(self.customer.feedback_ids.score, 7)

    def test_customers_asked_recently_are_not_asked_again(self):
        sent, skipped = self.Request._send_to(self.customer | self.other)
        self.assertEqual(len(sent), 2)
        sent, skipped = self.Request._send_to(self.customer)
        self.assertFalse(sent)
        self.assertEqual(skipped, self.customer)
        no_email = self.env["res.partner"].create({"name": "No Email"})
        self.assertEqual(self.Request._send_to(no_email)[1], no_email)
        action = (self.customer | self.other).action_request_feedback()
        message = action["params"]["message"]
        self.assertIn("Skipped 2:", message)
        self.assertIn(f"{self.customer.display_name} was asked on", message)

    def test_portal_and_public_users_read_no_retention_record(self):
        self._request()
        self.env["retention.feedback"].create({"partner_id": self.customer.id, "score": 5})
        portal = new_test_user(self.env, login="retention_portal", groups="base.group_portal")
        models = [
            "retention.feedback",
            "retention.feedback.request",
            "retention.complaint",
            "retention.cadence",
            "retention.followup",
            "retention.tier",
            "retention.account.review",
        ]
        for model in models:
            for user in (portal, self.env.ref("base.public_user")):
                with self.subTest(model=model, user=user.login):
                    self.assertFalse(self.env[model].with_user(user).has_access("read"))
        with mute_logger("odoo.http"):  # the refusals are logged as warnings
            self.assertIn("error", self._call_kw("retention.feedback"), "public: no session")
            self.authenticate("retention_portal", "retention_portal")
            for model in (
                "retention.feedback",
                "retention.feedback.request",
                "retention.complaint",
            ):
                result = self._call_kw(model)
                self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")

    def _call_kw(self, model):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": "search_read", "args": [[]], "kwargs": {}},
        }
        return self.url_open(
            f"/web/dataset/call_kw/{model}/search_read",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
