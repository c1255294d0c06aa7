from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestDatesUsersSet(RetentionCase):
    """A typo in a date (9998-12-31) is refused with a clear message, and a
    date the engine computes never leaves the calendar Python can read (year
    10000 broke the Advocates kanban, the customer list and the form)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Date Typo Ltd")
        cls.order = cls._sell(cls.customer, 100)

    def test_a_last_review_in_the_far_future_is_refused(self):
        with self.assertRaisesText(ValidationError, "The last review must be between 1900"):
            self.customer.last_review_date = date(9998, 12, 31)
            self.env.flush_all()

    def test_a_departure_or_a_review_in_year_9998_is_refused(self):
        with self.assertRaisesText(ValidationError, "The departure date must be between 1900"):
            self.order.departure_date = date(9998, 12, 31)
        self.order.departure_date = date(date.today().year + 2, 1, 1)  # a real plan
        with self.assertRaisesText(ValidationError, "The review date must be between 1900"):
            self.env["retention.account.review"].create(
                {"partner_id": self.customer.id, "date": date(9998, 12, 31)}
            )

    def test_a_bad_date_already_stored_cannot_break_the_lists(self):
        # A database from before the check: the next review would be year 10000.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE retention_profile SET last_review_date = '9999-06-30', "
            "opportunity_level = 'low' WHERE partner_id = %s",
            [self.customer.id],
        )
        self.env["retention.engine"].invalidate_model()
        self.env["retention.profile"].invalidate_model()
        self.customer._loyalty_recompute()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.next_review_date, date(9999, 12, 31))
        found = self.env["res.partner"].search_read(
            [("id", "=", self.customer.id)], ["next_review_date", "advocacy_stage"]
        )
        self.assertEqual(found[0]["next_review_date"], date(9999, 12, 31))
