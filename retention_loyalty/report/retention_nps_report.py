from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.retention_feedback import NPS_CATEGORIES


class RetentionNpsReport(models.Model):
    """One row per answer with its customer's salesperson, tier and country:
    NPS over time (the average of +100 / 0 / -100), by any of them."""

    _name = "retention.nps.report"
    _description = "NPS Analysis"
    _auto = False
    _order = "date desc"

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("retention.tier", "Loyalty Tier", readonly=True)
    country_id = fields.Many2one("res.country", "Country", readonly=True)
    channel = fields.Char(readonly=True)
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category", readonly=True)
    nps = fields.Float("NPS", readonly=True, aggregator="avg", digits=(16, 1))
    score = fields.Float("Likelihood to Recommend", readonly=True, aggregator="avg")
    effort_score = fields.Float("Customer Effort", readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                   SELECT f.id, f.date, f.commercial_partner_id AS partner_id,
                          p.user_id, pr.loyalty_tier_id AS tier_id, p.country_id, f.channel,
                          f.nps_category, f.nps_points AS nps, f.score,
                          NULLIF(f.effort_score, 0) AS effort_score, f.company_id
                     FROM retention_feedback f
                     JOIN res_partner p ON p.id = f.commercial_partner_id
                LEFT JOIN retention_profile pr ON pr.partner_id = f.commercial_partner_id
                                              AND pr.company_id = f.company_id)""",
                SQL.identifier(self._table),
            )
        )
