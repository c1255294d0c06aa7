"""The pages a customer opens with a GET write nothing: Odoo serves them from
a read replica (--db_replica_host), and a write there fails the request over
to the primary ("retrying with a read/write cursor"). Under the test runner a
read-only route's cursor is READ ONLY too, so a write would show here."""

import logging
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RetentionCase

RETRY = "retrying with a read/write cursor"
CSRF = re.compile(r'action="/my/loyalty/referral-link".*?name="csrf_token" value="([^"]+)"', re.S)


@tagged("post_install", "-at_install")
class TestReadOnlyPages(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls._customer("Member Ltd", email="member@example.com")
        for _order in range(3):
            cls._sell(cls.member, 2000)
        cls.member_portal = new_test_user(cls.env, login="ro_member", groups="base.group_portal")
        cls.member_portal.partner_id.parent_id = cls.member
        cls.newcomer = cls._customer("Newcomer Ltd", email="new@example.com")
        cls.new_portal = new_test_user(cls.env, login="ro_new", groups="base.group_portal")
        cls.new_portal.partner_id.parent_id = cls.newcomer

    def _get(self, url):
        """GET `url`: 200, on a read-only cursor to the end."""
        retries = []
        handler = logging.Handler(logging.WARNING)
        handler.emit = lambda record: RETRY in record.getMessage() and retries.append(record)
        logger = logging.getLogger("odoo.http")
        logger.addHandler(handler)
        try:
            response = self.url_open(url)
        finally:
            logger.removeHandler(handler)
        self.assertEqual(response.status_code, 200, url)
        self.assertFalse(retries, f"{url} wrote on a read-only cursor")
        return response.text

    def test_my_loyalty_of_a_member_and_of_a_newcomer_write_nothing(self):
        # The member's card code was given by the engine with the tier.
        code = self.member.with_company(self.env.company).barcode
        self.assertRegex(code, r"^042\d{10}$")
        self.authenticate("ro_member", "ro_member")
        page = self._get("/my/loyalty")
        self.assertIn(code, page)
        self.assertIn(self.member.retention_profile_ids.referral_code, page)

        self.authenticate("ro_new", "ro_new")
        Profile = self.env["retention.profile"].sudo()
        self.assertFalse(Profile.search([("partner_id", "=", self.newcomer.id)]))
        page = self._get("/my/loyalty")
        self.assertIn("Get my referral link", page)
        self.assertFalse(Profile.search([("partner_id", "=", self.newcomer.id)]), "a GET")
        # Asked for (a POST), the link is made and shown.
        self.url_open("/my/loyalty/referral-link", data={"csrf_token": CSRF.search(page).group(1)})
        profile = Profile.search([("partner_id", "=", self.newcomer.id)])
        self.assertTrue(profile.referral_code)
        self.assertIn(profile.referral_code, self._get("/my/loyalty"))

    def test_public_pages_write_nothing(self):
        profile = self.member.retention_profile_ids
        self._get(f"/retention/referral/{profile.referral_code}")
        feedback_request = self.env["retention.feedback.request"].create(
            {
                "partner_id": self.member.id,
                "company_id": self.env.company.id,
                "date_expiry": fields.Datetime.now() + timedelta(days=14),
            }
        )
        self._get(f"/retention/feedback/{feedback_request.access_token}")
        self._get(f"/retention/feedback/{feedback_request.access_token}?score=10")
        self._get(self.env["retention.unsubscribe"]._url(self.member))
