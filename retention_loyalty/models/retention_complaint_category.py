from odoo import fields, models
from odoo.tools import SQL

from .blank_fields import BlankFloat


class RetentionComplaintCategory(models.Model):
    """The complaint taxonomy: product faults improve the product, service
    faults improve the team."""

    _name = "retention.complaint.category"
    _description = "Complaint Category"
    _order = "kind, sequence, id"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("product", "Product"), ("service", "Service")], required=True, default="product"
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    complaint_count = fields.Integer(compute="_compute_complaint_stats")
    median_resolution_hours = BlankFloat(
        "Median Resolution (hours)", compute="_compute_complaint_stats", digits=(16, 1)
    )

    def _compute_complaint_stats(self):
        """Count and median resolution time per category, in one query."""
        stats = {}
        if self.ids:
            self.env["retention.complaint"].flush_model()
            self.env.cr.execute(
                SQL(
                    """SELECT category_id, count(*),
                              percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_hours)
                                  FILTER (WHERE state = 'resolved')
                         FROM retention_complaint
                        WHERE category_id = ANY(%s) AND company_id = ANY(%s)
                     GROUP BY category_id""",
                    self.ids,
                    self.env.companies.ids,
                )
            )
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for category in self:
            count, median = stats.get(category.id, (0, None))
            category.complaint_count = count
            category.median_resolution_hours = median if median is not None else False
