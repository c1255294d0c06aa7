from odoo import api, fields, models
from odoo.tools import SQL

from ..models.retention_cadence_entry import GROUPS
from ..models.retention_cadence_holdout import lift_interval


class RetentionCadenceImpact(models.Model):
    """Each entry of the rules' current measurement periods with what the
    customer did in the rule's window after it: bought again (any channel),
    the revenue. Only entries whose window is over are complete."""

    _name = "retention.cadence.impact"
    _description = "Rule Impact"
    _inherit = "retention.report"
    _auto = False
    _order = "date desc"
    _depends = {
        "retention.cadence.entry": ["cadence_id", "partner_id", "company_id", "date", "group"],
        "retention.cadence": ["impact_window_days", "holdout_since"],
        "retention.purchase": ["partner_id", "company_id", "date", "amount", "is_order"],
    }

    cadence_id = fields.Many2one("retention.cadence", "Rule", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    group = fields.Selection(GROUPS, readonly=True)
    date = fields.Date("Entered On", readonly=True)
    is_complete = fields.Boolean("Window Over", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    repeat_customer_count = fields.Integer("Bought Again", readonly=True)
    revenue = fields.Float("Revenue in the Window", readonly=True)

    def _select(self):
        return SQL(
            """e.id, e.cadence_id, e.partner_id, e.company_id, e."group", e.date,
               e.date + r.impact_window_days <= CURRENT_DATE AS is_complete,
               1 AS customer_count,
               (COUNT(b.partner_id) FILTER (WHERE b.is_order) > 0)::int AS repeat_customer_count,
               COALESCE(SUM(b.amount), 0) AS revenue"""
        )

    def _from(self):
        return SQL(
            """retention_cadence_entry e
               JOIN retention_cadence r ON r.id = e.cadence_id
                                      AND e.period_start = COALESCE(r.holdout_since, r.create_date)
               LEFT JOIN retention_purchase b
                      ON b.partner_id = e.partner_id AND b.company_id = e.company_id
                     AND b.date > e.date AND b.date <= e.date + r.impact_window_days"""
        )

    def _group_by(self):
        return SQL("e.id, r.impact_window_days")

    @api.model
    def _proven_lifts(self, companies, start, end):
        """{rule: lift} of the rules whose 95 % interval excludes zero, on the
        customers who entered them between start and end (complete windows)."""
        rows = self.sudo()._read_group(
            [
                ("company_id", "in", companies.ids),
                ("is_complete", "=", True),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            ["cadence_id", "group"],
            ["customer_count:sum", "repeat_customer_count:sum"],
        )
        counts = {(cadence, group): (count, repeat) for cadence, group, count, repeat in rows}
        lifts = {}
        for cadence in {cadence for cadence, _group in counts}:
            measured = lift_interval(
                *counts.get((cadence, "treated"), (0, 0)), *counts.get((cadence, "control"), (0, 0))
            )
            if measured and (measured[1] > 0 or measured[2] < 0):
                lifts[cadence] = measured[0]
        return lifts

    @api.model
    def _groups(self, cadence_ids):
        """{(rule, group): (customers, who bought again, revenue)} over complete
        windows."""
        if not cadence_ids:
            return {}
        self.env.flush_all()
        rows = self.sudo()._read_group(
            [("cadence_id", "in", cadence_ids), ("is_complete", "=", True)],
            ["cadence_id", "group"],
            ["customer_count:sum", "repeat_customer_count:sum", "revenue:sum"],
        )
        return {
            (cadence.id, group): (count or 0, repeat or 0, revenue or 0.0)
            for cadence, group, count, repeat, revenue in rows
        }
