from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import RetentionCase


@tagged("post_install", "-at_install")
class TestRetentionReports(RetentionCase):
    """Each report's figures on a small fixture, computed by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="rpt_rep", groups="sales_team.group_sale_salesman")
        cls.rep2 = new_test_user(cls.env, login="rpt_rep2", groups="sales_team.group_sale_salesman")
        # A repeat buyer who is a detractor: long-term but vulnerable.
        cls.vulnerable = cls._customer("Vulnerable Repeat", user_id=cls.rep.id)
        for days in (10, 40, 70):
            cls._sell(cls.vulnerable, 200, days_ago=days)
        cls._answer(cls.vulnerable, 6)
        # A one-time buyer who loves us.
        cls.fan = cls._customer("One-time Fan", user_id=cls.rep.id)
        cls._sell(cls.fan, 300, days_ago=5)
        cls._answer(cls.fan, 10)
        # Usually orders every 100 days; the last was 150 days ago: at risk.
        cls.drifting = cls._customer("Drifting Away", user_id=cls.rep2.id)
        cls._sell(cls.drifting, 400, days_ago=250)
        cls._sell(cls.drifting, 600, days_ago=150)
        cls._answer(cls.drifting, 9)
        # A referral chain: root -> middle -> leaf, the two referees buy.
        cls.root = cls._customer("Chain Root")
        cls.middle = cls._customer("Chain Middle", referred_by_id=cls.root.id)
        cls.leaf = cls._customer("Chain Leaf", referred_by_id=cls.middle.id)
        cls._sell(cls.middle, 500)
        cls._sell(cls.leaf, 300)
        cls.fixture = cls.vulnerable | cls.fan | cls.drifting | cls.root | cls.middle | cls.leaf
        cls.env.flush_all()

    def _rows(self, model, partners=None):
        return self.env[model].search([("partner_id", "in", (partners or self.fixture).ids)])

    def test_nps_over_time_by_salesperson(self):
        domain = [("partner_id", "in", self.fixture.ids)]
        [(nps,)] = self.env["retention.nps.report"]._read_group(domain, [], ["nps:avg"])
        self.assertAlmostEqual(nps, 100 / 3, places=3, msg="(-100 + 100 + 100) / 3")
        by_rep = dict(
            self.env["retention.nps.report"]._read_group(domain, ["user_id"], ["nps:avg"])
        )
        self.assertEqual(by_rep[self.rep], 0, "a detractor and a promoter")
        self.assertEqual(by_rep[self.rep2], 100)
        by_month = self.env["retention.nps.report"]._read_group(
            domain, ["date:month", "nps_category"], ["__count"]
        )
        self.assertEqual(sum(count for _month, _category, count in by_month), 3)

    def test_reports_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Other Retail Co"})
        outsider = self._customer("Other Company Customer", company_id=other.id)
        self._answer(outsider, 2, company_id=other.id)
        self.env.flush_all()
        rep_view = self.env["retention.nps.report"].with_user(self.rep)
        self.assertTrue(self._rows("retention.nps.report", outsider))
        self.assertFalse(rep_view.search([("partner_id", "=", outsider.id)]))
        self.assertEqual(len(rep_view.search([("partner_id", "in", self.fixture.ids)])), 3)
        matrix = self.env["retention.loyalty.matrix"].with_user(self.rep)
        self.assertFalse(matrix.search([("partner_id", "=", outsider.id)]))

    def test_loyalty_matrix_puts_the_vulnerable_repeat_buyer_apart(self):
        rows = {row.partner_id: row for row in self._rows("retention.loyalty.matrix")}
        vulnerable = rows[self.vulnerable]
        self.assertEqual((vulnerable.buying, vulnerable.satisfaction), ("2_repeat", "detractor"))
        self.assertTrue(vulnerable.is_vulnerable)
        self.assertEqual(vulnerable.revenue, 600)
        self.assertEqual(
            (rows[self.fan].buying, rows[self.fan].satisfaction), ("1_once", "promoter")
        )
        self.assertFalse(rows[self.fan].is_vulnerable)
        self.assertEqual(rows[self.middle].satisfaction, "unknown")
        self.assertNotIn(self.root, rows, "no order, no answer: not a customer yet")
        vulnerable_ids = self.env["retention.loyalty.matrix"].search(
            [("is_vulnerable", "=", True), ("partner_id", "in", self.fixture.ids)]
        )
        self.assertEqual(vulnerable_ids.partner_id, self.vulnerable)
        groups = self.env["retention.loyalty.matrix"]._read_group(
            [("partner_id", "in", self.fixture.ids)], ["buying", "satisfaction"], ["revenue:sum"]
        )
        cells = {(buying, satisfaction): revenue for buying, satisfaction, revenue in groups}
        self.assertEqual(cells["2_repeat", "detractor"], 600)
        self.assertEqual(cells["2_repeat", "promoter"], 1000, "Drifting Away: 400 + 600")

    def test_churn_risk_lists_who_is_leaving_and_schedules_a_call(self):
        # Drifting: orders 250 and 150 days ago, expected every (100 + 2 x 90) / 3
        # = 93 days: leaving after 186, not yet.
        self.assertNotIn(self.drifting, self._rows("retention.churn.report").partner_id)
        # Customers with few orders expected every 30 days: (100 + 60) / 3 = 53,
        # leaving after 106 days.
        self.env["ir.config_parameter"].set_param("retention_loyalty.churn_days", 30)
        self.fixture._loyalty_recompute()
        rows = self._rows("retention.churn.report")
        self.assertEqual(rows.partner_id, self.drifting, "the only one leaving")
        self.assertEqual(
            (rows.expected_interval, rows.days_since, rows.days_overdue), (53, 150, 44)
        )
        # The profile's prediction: the window's 1,000 brought to the horizon,
        # times the chance of no order in it.
        self.assertEqual(rows.revenue_at_risk, self.drifting.revenue_at_risk)
        self.assertAlmostEqual(
            rows.revenue_at_risk,
            round(1000 * 365 / 365.25 * self.drifting.churn_probability, 2),
            delta=0.5,
        )
        self.assertEqual(rows.health_band, self.drifting.health_band)
        rows.action_schedule_call()
        activity = self.drifting.activity_ids
        self.assertEqual(activity.user_id, self.rep2)
        self.assertIn("150 days", activity.summary)

    def test_churn_risk_for_one_time_buyers_follows_the_settings_most_at_risk_first(self):
        self.assertNotIn(self.fan, self._rows("retention.churn.report").partner_id)
        # One order 5 days ago, expected every 2 days: leaving after 4.
        self.env["ir.config_parameter"].set_param("retention_loyalty.churn_days", 2)
        self.fixture._loyalty_recompute()
        row = self._rows("retention.churn.report", self.fan)
        self.assertEqual((row.days_since, row.days_overdue), (5, 1))
        self.assertEqual(row.revenue_at_risk, self.fan.revenue_at_risk)
        self.assertGreater(row.revenue_at_risk, 0)
        rows = self._rows("retention.churn.report")
        at_risk = rows.mapped("revenue_at_risk")
        self.assertEqual(at_risk, sorted(at_risk, reverse=True))

    def test_referral_revenue_counts_whole_chains(self):
        rows = {row.partner_id: row for row in self._rows("retention.referral.report")}
        root = rows[self.root]
        self.assertEqual((root.direct_count, root.chain_count, root.depth), (1, 2, 2))
        self.assertEqual((root.direct_revenue, root.chain_revenue), (500, 800))
        middle = rows[self.middle]
        self.assertEqual(
            (middle.direct_count, middle.chain_count, middle.chain_revenue), (1, 1, 300)
        )
        self.assertNotIn(self.leaf, rows)

    def test_tier_movements_and_key_account_share(self):
        moves = self.env["retention.tier.history"].search([("partner_id", "in", self.fixture.ids)])
        self.assertTrue(all(moves.mapped("is_upgrade")))
        self.assertEqual(
            set(moves.partner_id.ids),
            set((self.vulnerable | self.fan | self.drifting | self.middle | self.leaf).ids),
        )
        revenue = dict(
            self.env["res.partner"]._read_group(
                [("id", "in", self.fixture.ids)], ["is_key_account"], ["loyalty_revenue:sum"]
            )
        )
        self.assertEqual(sum(revenue.values()), 600 + 300 + 1000 + 500 + 300)

    def test_tiers_and_key_accounts_count_a_company_once_not_per_contact(self):
        company = self._customer("Many Contacts Ltd")
        self.env["res.partner"].create(
            [{"name": f"Buyer {i}", "parent_id": company.id} for i in range(3)]
        )
        self._sell(company, 1000)
        action = self.env.ref("retention_loyalty.action_retention_tier_distribution")
        domain = [*safe_eval(action.domain), ("commercial_partner_id", "=", company.id)]
        [group] = self.env["res.partner"].read_group(domain, ["loyalty_revenue:sum"], [])
        self.assertEqual(group["__count"], 1, "the company's row alone")
        self.assertEqual(group["loyalty_revenue"], 1000)

    def test_cadence_compliance_per_rep(self):
        rule = self.env["retention.cadence"].create(
            {
                "name": "Compliance fixture",
                "trigger": "sale_confirmed",
                "active": False,
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                            "summary": "Call",
                            "delay_from": "after_plan_date",
                        }
                    )
                ],
            }
        )
        today = self.today

        def followup(days_due, state, days_done=None):
            return {
                "cadence_id": rule.id,
                "step_id": rule.template_ids.id,
                "partner_id": self.fan.id,
                "res_model": "res.partner",
                "res_id": self.fan.id,
                "occurrence": days_due + 100,
                "date_deadline": today + timedelta(days=days_due),
                "state": state,
                "date_done": days_done is not None and today + timedelta(days=days_done),
                "user_id": self.rep.id,
            }

        self.env["retention.followup"].create(
            [
                followup(-2, "done", -3),  # on time
                followup(-5, "done", -1),  # late
                followup(-1, "planned"),  # overdue
                followup(3, "planned"),  # planned
            ]
        )
        self.env.flush_all()
        report = self.env["retention.compliance.report"]
        domain = [("cadence_id", "=", rule.id)]
        counts = dict(report._read_group(domain, ["compliance"], ["__count"]))
        self.assertEqual(counts, {"on_time": 1, "late": 1, "overdue": 1, "planned": 1})
        [(share,)] = report._read_group(
            [*domain, ("user_id", "=", self.rep.id)], [], ["on_time:avg"]
        )
        self.assertAlmostEqual(share, 100 / 3, places=3, msg="1 on time of 3 done or due")

    def test_digest_kpis(self):
        digest = self.env["digest.digest"].create({"name": "Retention digest"})
        start = datetime.combine(self.today - timedelta(days=1), datetime.min.time())
        digest = digest.with_context(start_datetime=start, end_datetime=start + timedelta(days=2))
        self.env["retention.feedback"].search(
            [("commercial_partner_id", "not in", self.fixture.ids), ("date", ">=", start.date())]
        ).unlink()
        self.assertEqual(digest.kpi_retention_nps_value, 33)
        before = digest.kpi_retention_open_complaints_value
        complaint = self.env["retention.complaint"].create(
            {"name": "Late", "partner_id": self.fan.id}
        )
        digest.invalidate_recordset()
        self.assertEqual(digest.kpi_retention_open_complaints_value, before + 1)
        complaint.write({"state": "cancelled"})
        digest.invalidate_recordset()
        self.assertEqual(digest.kpi_retention_open_complaints_value, before)
        advocates = digest.kpi_retention_new_advocates_value
        self.fan.reference_consent = True  # a promoter who agrees to be a reference
        digest.invalidate_recordset()
        self.assertEqual(digest.kpi_retention_new_advocates_value, advocates + 1)
        overdue = digest.kpi_retention_overdue_followups_value
        rule = self.env.ref("retention_loyalty.cadence_detractor_recovery")
        activity = self.fan.activity_schedule("mail.mail_activity_data_call")
        self.env["retention.followup"].create(
            {
                "cadence_id": rule.id,
                "step_id": rule.template_ids[0].id,
                "partner_id": self.fan.id,
                "res_model": "res.partner",
                "res_id": self.fan.id,
                "date_deadline": self.today - timedelta(days=2),
                "activity_id": activity.id,
            }
        )
        digest.invalidate_recordset()
        self.assertEqual(digest.kpi_retention_overdue_followups_value, overdue + 1)
        self.assertIn(
            "kpi_retention_nps", digest._compute_kpis_actions(self.env.company, self.env.user)
        )

    def test_report_reads_skip_jit_compilation(self):
        # JIT costs about 0.7 s a read of the views over every purchase,
        # more than the read itself: each report read turns it off for its
        # request's transaction.
        for model in ("retention.rate.report", "retention.cohort.report", "retention.purchase"):
            with self.subTest(model=model):
                self.env.cr.execute("SET LOCAL jit = on")
                self.env[model]._read_group([], ["company_id"], ["__count"])
                self.env.cr.execute("SHOW jit")
                self.assertEqual(self.env.cr.fetchone()[0], "off")
                self.env.cr.execute("SET LOCAL jit = on")
                self.env[model].search_fetch([], ["company_id"], limit=1)
                self.env.cr.execute("SHOW jit")
                self.assertEqual(self.env.cr.fetchone()[0], "off")
