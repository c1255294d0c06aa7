from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestFeedbackFromActivity(RetentionCase):
    """A rep logs an answer by marking a Satisfaction Call done with "9/10 ..."."""

    CALL = "retention_loyalty.mail_activity_type_satisfaction_call"

    def test_score_in_the_done_note_is_logged_as_feedback(self):
        customer = self._customer("Caller")
        activity = customer.activity_schedule(self.CALL)
        activity.action_feedback(feedback="<p>9/10 - happy with the delivery</p>")
        [answer] = customer.feedback_ids
        self.assertEqual(answer.score, 9)
        self.assertEqual(answer.comment, "happy with the delivery")
        self.assertEqual(answer.channel, "phone")
        self.assertEqual((answer.res_model, answer.res_id), ("res.partner", customer.id))
        self.assertEqual(customer.advocacy_stage, "promoter")

    def test_activity_on_an_order_logs_feedback_for_its_customer(self):
        customer = self._customer("Order caller")
        order = self._sell(customer, 100)
        order.activity_schedule(self.CALL).action_feedback(feedback="10")
        self.assertEqual(customer.feedback_ids.score, 10)
        self.assertEqual(customer.feedback_ids.res_model, "sale.order")
        self.assertEqual(customer.feedback_ids.res_id, order.id)

    def test_no_score_or_other_activity_types_log_nothing(self):
        customer = self._customer("Voicemail")
        customer.activity_schedule(self.CALL).action_feedback(feedback="Left a voicemail")
        customer.activity_schedule("mail.mail_activity_data_todo").action_feedback(feedback="9/10")
        customer.activity_schedule(self.CALL).action_feedback(feedback="42 chairs ordered")
        self.assertFalse(customer.feedback_ids)
