"""Holes found by probing a running server, closed and checked over JSON-RPC
as the web client and XML-RPC scripts reach them (a real HTTP server)."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestRightsOverRpc(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Probe Co B"})
        cls.rep = new_test_user(cls.env, login="probe_rep", groups="sales_team.group_sale_salesman")
        cls.customer = cls._customer("Probe Customer")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Probe Contact", "parent_id": cls.customer.id}
        )
        cls.customer_b = cls._customer("B's Customer", company_id=cls.company_b.id)

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _refused(self, model, method, *args, **kwargs):
        with mute_logger("odoo.http"), self.assertRaises(Exception) as caught:
            self._call(model, method, *args, **kwargs)
        return str(caught.exception)

    def test_item_1_a_rep_leaves_no_partner_with_a_tier_they_set(self):
        self.authenticate("probe_rep", "probe_rep")
        platinum = self.platinum.id
        for vals in (
            {"parent_id": False, "loyalty_tier_id": platinum, "loyalty_tier_locked": True},
            {"is_company": True, "loyalty_tier_id": platinum, "loyalty_tier_locked": True},
            {"loyalty_tier_locked": True},
            {"is_key_account": True},
            {"lifetime_revenue": 1e9},
        ):
            self._refused("res.partner", "write", [self.contact.id], vals)
        self._refused(
            "res.partner",
            "create",
            [{"name": "New VIP", "loyalty_tier_id": platinum, "loyalty_tier_locked": True}],
        )
        self.env.invalidate_all()
        self.assertEqual(self.contact.parent_id, self.customer)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "New VIP")]))
        self.assertFalse(
            self.env["retention.profile"].search(
                [("loyalty_tier_locked", "=", True), ("partner_id", "=", self.contact.id)]
            )
        )

    def test_item_2_no_feedback_on_another_company_customer(self):
        self.authenticate("probe_rep", "probe_rep")
        self._refused(
            "retention.feedback", "create", [{"partner_id": self.customer_b.id, "score": 0}]
        )
        self.assertFalse(
            self.env["retention.feedback"].search([("partner_id", "=", self.customer_b.id)])
        )
        self._refused(
            "retention.complaint",
            "create",
            [{"name": "Probe", "partner_id": self.customer_b.id}],
        )

    def test_item_14_public_buttons_return_a_value(self):
        self.authenticate("admin", "admin")
        complaint = self.env["retention.complaint"].create(
            {"name": "Late truck", "partner_id": self.customer.id}
        )
        self.assertIs(self._call("retention.complaint", "action_start", [complaint.id]), True)
        complaint.resolution = "<p>Redelivered the next morning</p>"
        self.assertIs(self._call("retention.complaint", "action_resolve", [complaint.id]), True)
        self.assertIs(self._call("retention.complaint", "action_reopen", [complaint.id]), True)
        self.assertIs(self._call("retention.complaint", "action_cancel", [complaint.id]), True)
        review = self.env["retention.account.review"].create(
            {"partner_id": self.customer.id, "answer_ids": [Command.create({"question": "?"})]}
        )
        self.assertIs(self._call("retention.account.review", "action_cancel", [review.id]), True)
        self.assertIs(
            self._call("retention.account.review", "action_reset_draft", [review.id]), True
        )
