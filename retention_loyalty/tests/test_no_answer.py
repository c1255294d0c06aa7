from odoo.tests import tagged

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestNoAnswerIsNotZero(RetentionCase):
    """A customer who never answered has no satisfaction and no effort (not
    0.0, the worst score); an answer without an effort score stores none.
    Averages, groups and reports skip what is empty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["retention.cadence"].search([]).active = False
        cls.silent = cls._customer("Silent Buyer")
        cls._sell(cls.silent, 500)
        cls.talker = cls._customer("Talking Buyer")
        cls._sell(cls.talker, 500)
        cls.answer = cls._answer(cls.talker, 8)  # a debrief "8/10": no effort asked
        (cls.silent | cls.talker)._loyalty_recompute()

    def test_no_answer_reads_empty(self):
        self.assertIs(self.silent.satisfaction_score, False)
        self.assertIs(self.silent.effort_score, False)
        values = self.silent.read(["satisfaction_score", "effort_score"])[0]
        self.assertEqual((values["satisfaction_score"], values["effort_score"]), (False, False))
        self.assertEqual(self.talker.satisfaction_score, 8.0)
        self.assertIs(self.talker.effort_score, False, "8/10 with no effort asked")

    def test_an_answer_without_effort_stores_none(self):
        self.assertIs(self.answer.effort_score, False)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT effort_score FROM retention_feedback WHERE id = %s", [self.answer.id]
        )
        self.assertIsNone(self.env.cr.fetchone()[0], "NULL, not 0 on a 1-7 scale")
        report = self.env["retention.nps.report"].search([("id", "=", self.answer.id)])
        self.assertIs(report.effort_score, False)

    def test_averages_skip_the_unanswered(self):
        customers = self.silent | self.talker
        [(satisfaction, effort)] = self.env["res.partner"]._read_group(
            [("id", "in", customers.ids)], [], ["satisfaction_score:avg", "effort_score:avg"]
        )
        self.assertEqual(satisfaction, 8.0, "the silent customer is not a 0")
        self.assertFalse(effort)
        self._answer(self.silent, 6, effort_score=4)
        [(satisfaction, effort)] = self.env["res.partner"]._read_group(
            [("id", "in", customers.ids)], [], ["satisfaction_score:avg", "effort_score:avg"]
        )
        self.assertEqual((satisfaction, effort), (7.0, 4.0))

    def test_a_real_zero_stays_zero(self):
        self._answer(self.silent, 0)
        self.silent.invalidate_recordset()
        self.assertEqual(self.silent.satisfaction_score, 0.0)
        self.assertIsNot(self.silent.satisfaction_score, False)
