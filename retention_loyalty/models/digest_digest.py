from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .retention_complaint import OPEN_STATES


class DigestDigest(models.Model):
    _inherit = "digest.digest"

    kpi_retention_nps = fields.Boolean("Net Promoter Score")
    kpi_retention_nps_value = fields.Integer(compute="_compute_kpi_retention_nps_value")
    kpi_retention_new_advocates = fields.Boolean("New Advocates")
    kpi_retention_new_advocates_value = fields.Integer(
        compute="_compute_kpi_retention_new_advocates_value"
    )
    kpi_retention_open_complaints = fields.Boolean("Open Complaints")
    kpi_retention_open_complaints_value = fields.Integer(
        compute="_compute_kpi_retention_open_complaints_value"
    )
    kpi_retention_overdue_followups = fields.Boolean("Overdue Follow-ups")
    kpi_retention_overdue_followups_value = fields.Integer(
        compute="_compute_kpi_retention_overdue_followups_value"
    )
    kpi_retention_rate = fields.Boolean("Retention Rate (%)")
    kpi_retention_rate_value = fields.Float(compute="_compute_kpi_retention_rate_value")
    kpi_retention_best_rule_lift = fields.Boolean("Best Rule Lift (points)")
    kpi_retention_best_rule_lift_value = fields.Float(
        "Best Rule Lift (value)", compute="_compute_kpi_retention_rule_lifts_value"
    )
    kpi_retention_worst_rule_lift = fields.Boolean("Worst Rule Lift (points)")
    kpi_retention_worst_rule_lift_value = fields.Float(
        "Worst Rule Lift (value)", compute="_compute_kpi_retention_rule_lifts_value"
    )
    kpi_retention_revenue_at_risk = fields.Boolean("Revenue at Risk, Newly Overdue")
    kpi_retention_revenue_at_risk_value = fields.Monetary(
        "Revenue at Risk, Newly Overdue (value)",
        compute="_compute_kpi_retention_revenue_at_risk_value",
    )

    def _retention_check_access(self):
        if not self.env.user.has_group("retention_loyalty.group_retention_user"):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )

    def _compute_kpi_retention_nps_value(self):
        """NPS of the answers of the period: the average of +100 / 0 / -100."""
        self._retention_check_access()
        start, end, companies = self._get_kpi_compute_parameters()
        values = dict(
            self.env["retention.feedback"]._read_group(
                [("company_id", "in", companies.ids), ("date", ">=", start), ("date", "<", end)],
                ["company_id"],
                ["nps_points:avg"],
            )
        )
        for digest in self:
            company = digest.company_id or self.env.company
            digest.kpi_retention_nps_value = round(values.get(company, 0) or 0)

    def _compute_kpi_retention_new_advocates_value(self):
        """Advocates whose latest answer falls in the period."""
        self._retention_check_access()
        start, end, _companies = self._get_kpi_compute_parameters()
        self._retention_count_kpi(
            "retention.profile",
            [
                ("advocacy_stage", "=", "advocate"),
                ("last_feedback_date", ">=", start),
                ("last_feedback_date", "<", end),
            ],
            "kpi_retention_new_advocates_value",
        )

    def _compute_kpi_retention_revenue_at_risk_value(self):
        """The revenue at risk of the customers whose next order fell due in
        the period without one: a flow, so each period compares with the
        previous one as the digest does."""
        self._retention_check_access()
        start, end, companies = self._get_kpi_compute_parameters()
        values = dict(
            self.env["retention.profile"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("predicted_next_order_date", ">=", start),
                    ("predicted_next_order_date", "<", end),
                    ("predicted_next_order_date", "<", fields.Date.context_today(self)),
                ],
                ["company_id"],
                ["revenue_at_risk:sum"],
            )
        )
        for digest in self:
            company = digest.company_id or self.env.company
            digest.kpi_retention_revenue_at_risk_value = values.get(company, 0) or 0

    def _compute_kpi_retention_rule_lifts_value(self):
        """The best and the worst lift of the rules proven in the period (their
        95 % interval excludes zero), on the customers who entered them then;
        0 when no rule is proven."""
        self._retention_check_access()
        start, end, _companies = self._get_kpi_compute_parameters()
        Impact = self.env["retention.cadence.impact"]
        for digest in self:
            lifts = Impact._proven_lifts(digest.company_id or self.env.company, start, end)
            digest.kpi_retention_best_rule_lift_value = round(max(lifts.values(), default=0), 1)
            digest.kpi_retention_worst_rule_lift_value = round(min(lifts.values(), default=0), 1)

    def _retention_count_kpi(self, model, domain, kpi_field):
        """Count `model` records per digest company; records of no company
        (shared customers, shared rules) count for every company."""
        companies = self._get_kpi_compute_parameters()[2]
        values = dict(
            self.env[model]._read_group(
                [*domain, ("company_id", "in", [*companies.ids, False])],
                ["company_id"],
                ["__count"],
            )
        )
        shared = values.get(self.env["res.company"], 0)
        for digest in self:
            company = digest.company_id or self.env.company
            digest[kpi_field] = values.get(company, 0) + shared

    def _compute_kpi_retention_open_complaints_value(self):
        self._retention_check_access()
        self._calculate_company_based_kpi(
            "retention.complaint",
            "kpi_retention_open_complaints_value",
            date_field="date_reported",
            additional_domain=[("state", "in", OPEN_STATES)],
        )

    def _compute_kpi_retention_overdue_followups_value(self):
        """Cadence follow-ups past their date and not done, whenever scheduled."""
        self._retention_check_access()
        self._retention_count_kpi(
            "retention.followup",
            [
                ("state", "=", "planned"),
                ("activity_id", "!=", False),
                ("date_deadline", "<", fields.Date.context_today(self)),
            ],
            "kpi_retention_overdue_followups_value",
        )

    def _compute_kpi_retention_rate_value(self):
        """Of the customers with a purchase (any channel) in the previous period (as
        long as this one, just before it), the share (%) who ordered again in
        this one, per company; customers are the orders' commercial partners."""
        self._retention_check_access()
        start, end, companies = self._get_kpi_compute_parameters()
        start, end = fields.Datetime.to_datetime(start), fields.Datetime.to_datetime(end)
        self.env["retention.purchase"]._flush_purchases()
        self.env.cr.execute(
            SQL(
                """WITH buyers AS (
                       SELECT o.company_id, bool_or(o.date < %(start)s) AS before,
                              bool_or(o.date >= %(start)s) AS again
                         FROM retention_purchase o
                        WHERE o.is_order AND o.company_id = ANY(%(companies)s)
                          AND o.date >= %(previous)s AND o.date < %(end)s
                     GROUP BY o.company_id, o.partner_id
                   )
                   SELECT company_id,
                          100.0 * COUNT(*) FILTER (WHERE before AND again)
                                / NULLIF(COUNT(*) FILTER (WHERE before), 0)
                     FROM buyers GROUP BY company_id""",
                start=start,
                end=end,
                previous=start - (end - start),
                companies=companies.ids,
            )
        )
        rates = dict(self.env.cr.fetchall())
        for digest in self:
            company = digest.company_id or self.env.company
            digest.kpi_retention_rate_value = round(rates.get(company.id) or 0, 2)

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("retention_loyalty.menu_retention_root").id
        actions.update(
            {
                "kpi_retention_nps": (
                    f"retention_loyalty.action_retention_nps_report?menu_id={menu}"
                ),
                "kpi_retention_new_advocates": (
                    f"retention_loyalty.action_retention_advocates?menu_id={menu}"
                ),
                "kpi_retention_open_complaints": (
                    f"retention_loyalty.action_retention_complaint?menu_id={menu}"
                ),
                "kpi_retention_overdue_followups": (
                    f"retention_loyalty.action_retention_compliance_report?menu_id={menu}"
                ),
                "kpi_retention_rate": (
                    f"retention_loyalty.action_retention_rate_report?menu_id={menu}"
                ),
            }
        )
        return actions
