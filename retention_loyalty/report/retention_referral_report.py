from odoo import fields, models
from odoo.tools import SQL

from ..models.retention_profile import ADVOCACY_STAGES


class RetentionReferralReport(models.Model):
    """What each referrer brought: direct referrals and whole chains
    (referrals of referrals), with what those customers bought."""

    _name = "retention.referral.report"
    _description = "Referral Revenue"
    _inherit = "retention.report"
    _auto = False
    _order = "chain_revenue desc, chain_count desc"
    _depends = {
        "res.partner": ["referred_by_id", "commercial_partner_id", "user_id"],
        "retention.profile": ["partner_id", "company_id", "advocacy_stage", "lifetime_revenue"],
    }

    partner_id = fields.Many2one("res.partner", "Referrer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    advocacy_stage = fields.Selection(ADVOCACY_STAGES, readonly=True)
    direct_count = fields.Integer("Direct Referrals", readonly=True)
    chain_count = fields.Integer("Referrals in the Chain", readonly=True)
    depth = fields.Integer("Chain Depth", readonly=True, aggregator="max")
    direct_revenue = fields.Float("Direct Referral Revenue", readonly=True)
    chain_revenue = fields.Float("Chain Revenue", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _with(self):
        return SQL(
            """RECURSIVE edges AS (
                   SELECT ref.commercial_partner_id AS referrer_id, c.id AS referee_id
                     FROM res_partner c JOIN res_partner ref ON ref.id = c.referred_by_id
                    WHERE c.id = c.commercial_partner_id
               ), chain AS (
                   SELECT referrer_id AS root_id, referee_id, 1 AS depth FROM edges
                    UNION ALL
                   SELECT chain.root_id, edges.referee_id, chain.depth + 1
                     FROM chain JOIN edges ON edges.referrer_id = chain.referee_id
                    WHERE chain.depth < 20
               )"""
        )

    def _select(self):
        # One row per referrer and company it trades with: what the referees
        # bought from that company, all time (in each company's currency).
        return SQL(
            """root.id, root.partner_id, p.user_id, root.company_id, root.advocacy_stage,
               COUNT(*) FILTER (WHERE chain.depth = 1) AS direct_count,
               COUNT(DISTINCT chain.referee_id) AS chain_count,
               MAX(chain.depth) AS depth,
               COALESCE(SUM(r.lifetime_revenue) FILTER (WHERE chain.depth = 1), 0)
                   AS direct_revenue,
               COALESCE(SUM(r.lifetime_revenue), 0) AS chain_revenue"""
        )

    def _from(self):
        return SQL(
            """chain JOIN retention_profile root ON root.partner_id = chain.root_id
               JOIN res_partner p ON p.id = root.partner_id
          LEFT JOIN retention_profile r ON r.partner_id = chain.referee_id
                                       AND r.company_id = root.company_id"""
        )

    def _group_by(self):
        return SQL("root.id, p.user_id")
