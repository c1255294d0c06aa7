from odoo import fields, models

from .retention_review_question import REVIEW_AREAS


class RetentionAccountReviewAnswer(models.Model):
    _name = "retention.account.review.answer"
    _description = "Account Review Answer"
    _order = "sequence, id"

    review_id = fields.Many2one(
        "retention.account.review", required=True, index=True, ondelete="cascade"
    )
    question_id = fields.Many2one(
        "retention.review.question", "Prepared Question", ondelete="set null"
    )
    area = fields.Selection(REVIEW_AREAS, required=True, default="feelings")
    sequence = fields.Integer(default=10)
    question = fields.Char(required=True)
    answer = fields.Text()
