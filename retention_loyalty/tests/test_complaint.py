from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_cadence import DETRACTOR, CadenceCase

MEASURE = "retention_loyalty.cadence_complaint_measure"
RAW_EMAIL = """Return-Path: <grumpy@example.com>
To: complaints@retention.example.com
From: Grumpy Buyer <grumpy@example.com>
Subject: The desk arrived scratched
Message-ID: <complaint-1@example.com>
Content-Type: text/plain; charset="utf-8"

The top is scratched and nobody answered my call.
"""


@tagged("post_install", "-at_install")
class TestComplaints(CadenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The company's working hours, 8-12 and 13-17 in UTC (a database's
        # calendar takes its creator's time zone).
        cls.env.company.resource_calendar_id.tz = "UTC"
        cls.customer = cls._customer("Complainer", user_id=cls.rep.id, email="grumpy@example.com")
        cls.late = cls.env["retention.complaint.category"].create(
            {"name": "Late (test)", "kind": "service"}
        )

    def _complaint(self, **values):
        return self.env["retention.complaint"].create(
            {"name": "Late delivery", "partner_id": self.customer.id, "category_id": self.late.id}
            | values
        )

    def test_the_mail_alias_creates_a_complaint(self):
        domain = self.env["mail.alias.domain"].create({"name": "retention.example.com"})
        alias = self.env.ref("retention_loyalty.mail_alias_complaints")
        alias.alias_domain_id = domain
        complaint_id = self.env["mail.thread"].message_process(None, RAW_EMAIL)
        complaint = self.env["retention.complaint"].browse(complaint_id)
        self.assertEqual(complaint._name, "retention.complaint")
        self.assertEqual(complaint.name, "The desk arrived scratched")
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertIn("nobody answered", str(complaint.description))
        self.assertEqual(complaint.user_id, self.rep, "the customer's salesperson owns it")
        self.assertEqual(self.customer.open_complaint_count, 1)

    def test_log_a_complaint_from_a_customer_or_an_order(self):
        order = self._sell(self.customer, 100)
        action = order.action_log_complaint()
        complaint = (
            self.env["retention.complaint"]
            .with_context(**action["context"])
            .create({"name": "Wobbly leg"})
        )
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.sale_order_id, order)
        self.assertEqual(complaint.product_id, self.product)
        context = self.customer.action_log_complaint()["context"]
        self.assertEqual(context, {"default_partner_id": self.customer.id})
        self.assertEqual(self.customer.open_complaint_count, 1)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self.assertEqual(contact.open_complaint_count, 1, "contacts show their company's")
        found = self.env["res.partner"].search([("open_complaint_count", ">", 0)])
        self.assertIn(contact, found)
        self.assertNotIn(
            contact, self.env["res.partner"].search([("open_complaint_count", "=", 0)])
        )

    def test_taxonomy_resolution_time_and_on_time_share(self):
        shipped = self.env["ir.model.data"].search(
            [("module", "=", "retention_loyalty"), ("model", "=", "retention.complaint.category")]
        )
        kinds = (
            self.env["retention.complaint.category"].browse(shipped.mapped("res_id")).mapped("kind")
        )
        self.assertEqual((kinds.count("product"), kinds.count("service")), (4, 3))
        with freeze_time("2030-03-04 08:00:00"):
            fast = self._complaint()
            slow = self._complaint(name="Rude driver")
        # 16 working hours of the company's calendar (8-12, 13-17, UTC here):
        # Monday 8:00 to Tuesday 17:00.
        self.assertEqual(fast.date_deadline, datetime(2030, 3, 5, 17, 0))
        with self.assertRaisesText(UserError, "Describe the resolution"):
            fast.action_resolve()
        fast.resolution = "<p>Redelivered the next morning</p>"
        slow.resolution = "<p>Apologised, coached the driver</p>"
        with freeze_time("2030-03-04 18:00:00"):
            fast.action_resolve()
        with freeze_time("2030-03-08 08:00:00"):
            slow.action_resolve()
        self.assertEqual((fast.resolution_hours, fast.resolved_on_time), (10.0, 100))
        self.assertEqual((slow.resolution_hours, slow.resolved_on_time), (96.0, 0))
        self.late.invalidate_recordset()
        self.assertEqual(self.late.complaint_count, 2)
        self.assertEqual(self.late.median_resolution_hours, 53.0)
        [group] = self.env["retention.complaint"]._read_group(
            [("id", "in", (fast | slow).ids)], [], ["resolved_on_time:avg"]
        )
        self.assertEqual(group[0], 50, "half resolved on time")
        self.assertEqual(self.customer.open_complaint_count, 0)
        with self.assertRaisesText(ValidationError, "from 1 to 7"):
            fast.effort_score = 9

    def test_a_complaint_on_friday_evening_is_not_late_on_sunday(self):
        calendar = self.env.company.resource_calendar_id
        with freeze_time("2030-03-08 16:00:00"):  # a Friday, one working hour left
            friday = self._complaint()
        # 1 hour on Friday, 8 on Monday, 7 on Tuesday: Tuesday 16:00.
        self.assertEqual(friday.date_deadline, datetime(2030, 3, 12, 16, 0))
        # A public holiday on the Monday does not count either.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": datetime(2030, 3, 11, 0, 0),
                "date_to": datetime(2030, 3, 11, 23, 59),
            }
        )
        with freeze_time("2030-03-08 16:00:00"):
            after_holiday = self._complaint(name="Scratched")
        self.assertEqual(after_holiday.date_deadline, datetime(2030, 3, 13, 16, 0))

    def test_open_complaints_are_not_resolved_in_0_hours(self):
        with freeze_time("2030-03-04 08:00:00"):
            done = self._complaint()
            still_open = self._complaint(name="Missing screws")
        done.resolution = "<p>Sent the screws</p>"
        with freeze_time("2030-03-04 18:00:00"):
            done.action_resolve()
        self.assertIs(still_open.resolution_hours, False, "empty, not 0 hours")
        self.assertIs(still_open.resolved_on_time, False)
        self.assertEqual(still_open.read(["resolution_hours"])[0]["resolution_hours"], False)
        # The list's average, the pivot's and the graph's: resolved ones only.
        [(hours, on_time)] = self.env["retention.complaint"]._read_group(
            [("id", "in", (done | still_open).ids)],
            [],
            ["resolution_hours:avg", "resolved_on_time:avg"],
        )
        self.assertEqual((hours, on_time), (10.0, 100))
        self.late.invalidate_recordset()
        self.assertEqual(self.late.median_resolution_hours, 10.0)
        unused = self.env["retention.complaint.category"].create(
            {"name": "Never complained about", "kind": "service"}
        )
        self.assertIs(unused.median_resolution_hours, False, "no complaint: no median, not 0.0")
        self.assertEqual(unused.complaint_count, 0)

    @freeze_time("2030-03-08 10:00:00")  # a Friday
    def test_a_new_complaint_schedules_the_recovery_call(self):
        self._on(DETRACTOR)
        complaint = self._complaint()
        self._run()
        [activity] = self._activities(self.customer)
        self.assertEqual(str(activity.date_deadline), "2030-03-11", "next working day")
        self.assertEqual(activity.user_id, self.rep)
        complaint.resolution = "<p>Fixed</p>"
        complaint.action_resolve()
        self._run()
        self.assertFalse(self._activities(self.customer), "resolved before the call")

    def test_resolving_sends_a_feedback_request_days_later(self):
        self._on(MEASURE)
        self.env["ir.config_parameter"].set_param("retention_loyalty.feedback_quiet_days", 30)
        with freeze_time("2030-03-04 09:00:00"):
            complaint = self._complaint(resolution="<p>Refunded the delivery</p>")
            complaint.action_resolve()
            self._run()
        requests = self.env["retention.feedback.request"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertFalse(requests, "not before 3 days")
        with freeze_time("2030-03-07 09:00:00"):
            self._run()
        request = self.env["retention.feedback.request"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual((request.res_model, request.res_id), (complaint._name, complaint.id))
        self.assertTrue(
            self.env["mail.mail"].search(
                [("model", "=", request._name), ("res_id", "=", request.id)]
            )
        )
        followup = self.env["retention.followup"].search(
            [("res_model", "=", complaint._name), ("res_id", "=", complaint.id)]
        )
        self.assertEqual((followup.state, followup.feedback_request_id), ("done", request))
        self.assertFalse(self._activities(self.customer), "an e-mail, not an activity")
