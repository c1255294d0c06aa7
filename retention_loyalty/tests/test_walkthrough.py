"""Fixes from a rep's and an admin's walkthrough in a browser that a unit
test can see (the rest is for tours)."""

from lxml import etree

from odoo.tests import tagged

from .common import RetentionCase


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
