from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestReferral(RetentionCase):
    def test_referral_revenue_counts_confirmed_sales_of_referees(self):
        advocate = self._customer("Advocate")
        first = self._customer("First friend", referred_by_id=advocate.id)
        second = self._customer("Second friend", referred_by_id=advocate.id)
        self._sell(first, 1200)
        self._sell(second, 300)
        self._sell(second, 999, confirm=False)  # a quotation is no sale
        cancelled = self._sell(first, 5000)
        cancelled._action_cancel()
        self.assertEqual(advocate.referral_count, 2)
        self.assertEqual(advocate.referral_revenue, 1500)
        self.assertEqual(
            advocate.action_view_referrals()["domain"], [("referred_by_id", "=", advocate.id)]
        )

    def test_self_referral_and_cycles_are_refused(self):
        alice = self._customer("Alice")
        bob = self._customer("Bob", referred_by_id=alice.id)
        carol = self._customer("Carol", referred_by_id=bob.id)
        with self.assertRaisesText(ValidationError, "cannot refer itself"):
            alice.referred_by_id = alice
        with self.assertRaisesText(ValidationError, "loop"):
            alice.referred_by_id = carol
        self.assertFalse(alice.referred_by_id)

    def test_lead_referral_is_carried_to_the_new_customer(self):
        advocate = self._customer("Ambassador")
        lead = self.env["crm.lead"].create(
            {"name": "Needs chairs", "partner_name": "Newcomer Ltd", "referred_by_id": advocate.id}
        )
        lead._handle_partner_assignment(create_missing=True)
        self.assertEqual(lead.partner_id.referred_by_id, advocate)
        self.assertEqual(advocate.referral_count, 1)
