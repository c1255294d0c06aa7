"""Fixes from a rep's and an admin's walkthrough in a browser that a unit
test can see (the rest is for tours)."""

import re

from lxml import etree

from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import RetentionCase

# A one-pixel PNG.
PIXEL = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0g"
    b"AAAABJRU5ErkJggg=="
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestWalkthrough(RetentionCase):
    def test_start_account_review_leaves_no_empty_draft(self):
        customer = self._customer("Reviewed later")
        reviews = self.env["retention.account.review"]
        before = reviews.search_count([])
        action = customer.action_start_account_review()
        self.assertEqual(reviews.search_count([]), before)
        self.assertNotIn("res_id", action)
        defaults = reviews.with_context(**action["context"]).default_get(
            ["partner_id", "answer_ids"]
        )
        self.assertEqual(defaults["partner_id"], customer.id)
        self.assertTrue(defaults["answer_ids"], "the question list shows before saving")

    def test_one_request_sent_reads_in_the_singular(self):
        customer = self._customer("Single", email="single@example.com")
        message = customer.action_request_feedback()["params"]["message"]
        self.assertIn("Feedback request sent to 1 customer.", message)

    def test_follow_ups_open_on_my_overdue_ones_first(self):
        action = self.env.ref("retention_loyalty.action_retention_followup")
        self.assertIn("'search_default_my': 1", action.context)
        arch = self.env["retention.followup"].get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertEqual(etree.fromstring(arch).get("default_order"), "date_deadline asc, id asc")

    def test_resolved_complaints_show_no_countdown(self):
        """The deadline counts down on open complaints only, in the kanban and the list."""
        complaints = self.env["retention.complaint"]
        for view_type in ("kanban", "list"):
            arch = complaints.get_views([(False, view_type)])["views"][view_type]["arch"]
            [deadline] = etree.fromstring(arch).xpath("//field[@name='date_deadline']")
            hidden = deadline.get("invisible")
            self.assertTrue(hidden, f"the {view_type} hides the deadline by state")
            for state, shown in [
                ("new", True),
                ("in_progress", True),
                ("resolved", False),
                ("cancelled", False),
            ]:
                self.assertEqual(
                    not safe_eval(hidden, {"state": state}),
                    shown,
                    f"{view_type}, {state}",
                )


@tagged("post_install", "-at_install")
class TestWalkthroughPages(HttpCase):
    def test_thank_you_page_shows_the_company(self):
        company = self.env.company
        company.write({"name": "Thankful Furniture", "logo": PIXEL})
        customer = self.env["res.partner"].create(
            {"name": "Answering Customer", "email": "answer@example.com", "is_company": True}
        )
        [request], _skipped = self.env["retention.feedback.request"]._send_to(customer, force=True)
        url = f"/retention/feedback/{request.sudo().access_token}"
        page = self.url_open(f"{url}?score=9")
        csrf = CSRF.search(page.text).group(1)
        thanks = self.url_open(f"{url}/submit", data={"csrf_token": csrf, "score": "9"})
        self.assertEqual(thanks.status_code, 200)
        self.assertIn("Thank you!", thanks.text)
        self.assertIn("Thankful Furniture", thanks.text)
        self.assertIn('alt="Logo"', thanks.text, "the company's logo, as on the question")
        closed = self.url_open(f"{url}?score=9")
        self.assertIn("Thankful Furniture", closed.text)
