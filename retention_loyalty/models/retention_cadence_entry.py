from odoo import fields, models

GROUPS = [("treated", "Treated"), ("control", "Held Out")]


class RetentionCadenceEntry(models.Model):
    """A customer's entry in a rule, once per measurement period: the day the
    rule would first act, and the group the draw put them in
    (retention_cadence_holdout.py). Written by the cadence engine only."""

    _name = "retention.cadence.entry"
    _description = "Customer Entry in a Cadence Rule"
    _order = "date desc, id desc"

    cadence_id = fields.Many2one(
        "retention.cadence", "Rule", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    period_start = fields.Datetime("Measurement Period", required=True, readonly=True)
    date = fields.Date("Entered On", required=True, readonly=True)
    group = fields.Selection(GROUPS, required=True, readonly=True)

    _sql_constraints = [
        (
            "entry_uniq",
            "UNIQUE(cadence_id, partner_id, company_id, period_start)",
            "A customer enters a rule once per measurement period and company.",
        ),
    ]
