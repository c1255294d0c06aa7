"""Fixes from a rep's and an admin's walkthrough in a browser that a unit
test can see (the rest is for tours)."""

import re
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
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

    def test_a_link_past_its_date_reads_expired(self):
        requests = self.env["retention.feedback.request"]
        customers = [
            self._customer(name, email=f"{name.lower()}@example.com")
            for name in ("Late", "Waiting", "Answered")
        ]
        late, waiting, answered = (requests._send_to(c, force=True)[0] for c in customers)
        late.sudo().date_expiry = fields.Datetime.now() - timedelta(days=1)
        answered.sudo()._record_answer(0)
        self.assertEqual(late.state, "sent", "the stored state catches up only at night")
        self.assertEqual(
            [late.status, waiting.status, answered.status], ["expired", "sent", "answered"]
        )
        mine = [("id", "in", (late | waiting | answered).ids)]
        self.assertEqual(requests.search([*mine, ("status", "=", "expired")]), late)
        self.assertEqual(requests.search([*mine, ("status", "=", "sent")]), waiting)
        self.assertEqual(requests.search([*mine, ("status", "!=", "expired")]), waiting | answered)
        self.assertEqual(
            requests.search([*mine, ("status", "in", ["expired", "answered"])]), late | answered
        )
        groups = dict(requests._read_group(mine, ["status"], ["__count"]))
        self.assertEqual(groups, {"expired": 1, "sent": 1, "answered": 1})
        # The list reads the status, and no score where nobody answered (0 is an answer).
        arch = etree.fromstring(requests.get_views([(False, "list")])["views"]["list"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='status']"))
        [score] = arch.xpath("//field[@name='score']")
        self.assertTrue(safe_eval(score.get("invisible"), {"feedback_id": False}))
        self.assertFalse(
            safe_eval(score.get("invisible"), {"feedback_id": answered.feedback_id.id})
        )
        self.assertEqual(answered.score, 0)
        search_arch = requests.get_views([(False, "search")])["views"]["search"]["arch"]
        [expired_filter] = etree.fromstring(search_arch).xpath("//filter[@name='expired']")
        self.assertEqual(requests.search([*mine, *safe_eval(expired_filter.get("domain"))]), late)

    def _pricelist_feature_off(self):
        group = self.env.ref("product.group_product_pricelist")
        self.env.ref("base.group_user")._remove_group(group)
        self.assertNotIn(group, self.env.ref("base.group_user").implied_ids)
        return group

    def test_a_tier_pricelist_turns_the_pricelist_feature_on(self):
        self.env["retention.tier"].search([("pricelist_id", "!=", False)]).pricelist_id = False
        group = self._pricelist_feature_off()
        self.assertFalse(self.env["res.config.settings"].create({}).group_product_pricelist)
        pricelist = self.env["product.pricelist"].create({"name": "Gold Club"})
        self.gold.pricelist_id = pricelist
        self.assertIn(group, self.env.ref("base.group_user").implied_ids)
        self.assertTrue(self.env["res.config.settings"].create({}).group_product_pricelist)

    def test_settings_keep_the_pricelists_of_tiers(self):
        pricelist = self.env["product.pricelist"].create({"name": "Silver Club"})
        self.silver.pricelist_id = pricelist
        group = self._pricelist_feature_off()
        # Loading Settings shows the feature on (no warning that pricelists
        # will be archived); saving them keeps the pricelist and the feature.
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.group_product_pricelist)
        settings.execute()
        self.assertTrue(pricelist.active)
        self.assertIn(group, self.env.ref("base.group_user").implied_ids)
        # Turning the feature off while a tier gives a pricelist is refused.
        with self.assertRaises(UserError):
            self.env["res.config.settings"].create({"group_product_pricelist": False}).execute()
        self.assertTrue(pricelist.active)

    def test_tier_movements_read_from_which_tier_to_which(self):
        history = self.env["retention.tier.history"]
        arch = etree.fromstring(history.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
        columns = [node.get("name") for node in arch.xpath("//field[@type='col']")]
        self.assertEqual(columns, ["old_tier_id", "new_tier_id"], "no bare Yes/No column")
        customer = self._customer("Climber")
        change = history.create(
            {
                "partner_id": customer.id,
                "date": self.today,
                "old_tier_id": self.silver.id,
                "new_tier_id": self.gold.id,
                "is_upgrade": True,
            }
        )
        self.assertEqual(change.movement, f"{self.silver.name} → {self.gold.name}")
        change.old_tier_id = False
        self.assertEqual(change.movement, f"No tier → {self.gold.name}")

    def test_cadence_compliance_counts_next_to_its_share(self):
        customer = self._customer("Followed")
        self._sell(customer, 500)
        self.env["retention.cadence"]._cron_schedule_followups(commit=False)
        followups = self.env["retention.followup"].search([("partner_id", "=", customer.id)])
        self.assertGreater(len(followups), 1)
        followups[0].activity_id.action_feedback(feedback="Called")
        self.env.flush_all()
        report = self.env["retention.compliance.report"]
        [[count, on_time_count, share]] = report._read_group(
            [("partner_id", "=", customer.id)],
            [],
            ["followup_count:sum", "on_time_count:sum", "on_time:avg"],
        )
        self.assertEqual((count, on_time_count, share), (len(followups), 1, 100))
        arch = etree.fromstring(report.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
        measures = [node.get("name") for node in arch.xpath("//field[@type='measure']")]
        self.assertEqual(measures, ["followup_count", "on_time_count", "on_time"])

    def test_unanswered_effort_stays_out_of_the_averages(self):
        answered, silent = self._customer("Told us"), self._customer("Said nothing")
        self._answer(answered, 8, effort_score=4)
        complaints = self.env["retention.complaint"].create(
            [
                {"name": "Late", "partner_id": answered.id, "resolution": "<p>Sorry</p>"},
                {"name": "Broken", "partner_id": silent.id, "resolution": "<p>Fixed</p>"},
            ]
        )
        complaints.action_resolve()
        complaints[0].effort_score = 6
        self.assertEqual(complaints.mapped("effort_before"), [4.0, 0.0])
        [[effort_before, effort_after]] = complaints._read_group(
            [("id", "in", complaints.ids)], [], ["effort_before:avg", "effort_score:avg"]
        )
        self.assertEqual((effort_before, effort_after), (4.0, 6.0))
        # The list leaves the cell empty rather than showing a 0.
        arch = etree.fromstring(complaints.get_views([(False, "list")])["views"]["list"]["arch"])
        [effort] = arch.xpath("//field[@name='effort_score']")
        self.assertTrue(safe_eval(effort.get("invisible"), {"effort_score": 0}))
        self.assertFalse(safe_eval(effort.get("invisible"), {"effort_score": 6}))


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
        self.assertIn(
            'alt="Thankful Furniture"', thanks.text, "the company's logo, as on the question"
        )
        closed = self.url_open(f"{url}?score=9")
        self.assertIn("Thankful Furniture", closed.text)
