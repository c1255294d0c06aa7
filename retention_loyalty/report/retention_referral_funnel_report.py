from odoo import fields, models
from odoo.tools import SQL


class RetentionReferralFunnelReport(models.Model):
    """The referral funnel per referrer, company and month of the referral:
    friends referred, their leads, those who bought, what they bought from
    the company, and what the rewards cost."""

    _name = "retention.referral.funnel.report"
    _description = "Referral Funnel"
    _inherit = "retention.report"
    _auto = False
    _order = "month desc, referral_count desc"
    _depends = {
        "retention.referral": [
            "referrer_id",
            "company_id",
            "user_id",
            "date",
            "lead_id",
            "referee_id",
            "state",
            "order_amount",
            "reward_cost",
        ],
        "retention.profile": ["partner_id", "company_id", "lifetime_revenue"],
    }

    partner_id = fields.Many2one("res.partner", "Referrer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True)
    referral_count = fields.Integer("Friends Referred", readonly=True)
    lead_count = fields.Integer("Leads", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    first_order_revenue = fields.Monetary("First Orders", readonly=True)
    revenue = fields.Monetary("Referees' Revenue", readonly=True)
    reward_cost = fields.Monetary("Rewards Cost", readonly=True)

    def _select(self):
        return SQL(
            """MIN(r.id) AS id, r.referrer_id AS partner_id, r.user_id, r.company_id,
               c.currency_id, date_trunc('month', r.date)::date AS month,
               COUNT(*) FILTER (WHERE r.state != 'duplicate') AS referral_count,
               COUNT(r.lead_id) AS lead_count,
               COUNT(*) FILTER (WHERE r.state = 'bought') AS customer_count,
               COALESCE(SUM(r.order_amount), 0) AS first_order_revenue,
               COALESCE(SUM(p.lifetime_revenue) FILTER (WHERE r.state = 'bought'), 0)
                   AS revenue,
               COALESCE(SUM(r.reward_cost), 0) AS reward_cost"""
        )

    def _from(self):
        return SQL(
            """retention_referral r
               JOIN res_company c ON c.id = r.company_id
          LEFT JOIN retention_profile p ON p.partner_id = r.referee_id
                                       AND p.company_id = r.company_id"""
        )

    def _group_by(self):
        return SQL("r.referrer_id, r.user_id, r.company_id, c.currency_id, month")
