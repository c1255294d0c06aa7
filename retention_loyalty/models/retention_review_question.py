from odoo import fields, models

REVIEW_AREAS = [
    ("feelings", "How they feel about us"),
    ("needs", "Needs we could meet"),
    ("competitors", "Contact with competitors"),
]


class RetentionReviewQuestion(models.Model):
    """The prepared question list every account review starts from."""

    _name = "retention.review.question"
    _description = "Account Review Question"
    _order = "sequence, id"

    name = fields.Char("Question", required=True, translate=True)
    area = fields.Selection(REVIEW_AREAS, required=True, default="feelings")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
