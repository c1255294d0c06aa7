"""Repeat business: the digest's retention rate, the Retention Rate report
and the Customer Cohorts, on two companies in two currencies sharing one
customer, every figure computed by hand below."""

from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import RetentionCase


def at(day):
    """Noon (UTC) of a 2025 day given as "MM-DD"."""
    return datetime.fromisoformat(f"2025-{day} 12:00:00")


@tagged("post_install", "-at_install")
class TestRetentionRate(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        usd = cls.env.ref("base.USD")
        (eur | usd).active = True
        # Alpha keeps its books in euros; Beta in dollars, and sells in euros too
        # (1 USD = 0.5 EUR: an order of 100 EUR is 200 USD of Beta's revenue).
        cls.alpha = cls.env["res.company"].create({"name": "Alpha Travel", "currency_id": eur.id})
        cls.beta = cls.env["res.company"].create({"name": "Beta Travel", "currency_id": usd.id})
        cls.env["res.currency.rate"].create(
            {"name": "2020-01-01", "currency_id": eur.id, "rate": 0.5, "company_id": cls.beta.id}
        )
        cls.pricelists = {
            (company, currency): cls.env["product.pricelist"].create(
                {"name": f"{company.name} {currency.name}", "currency_id": currency.id}
                | {"company_id": company.id}
            )
            for company, currency in ((cls.alpha, eur), (cls.beta, usd), (cls.beta, eur))
        }
        cls.eur, cls.usd = eur, usd
        # A customer of both companies, who also orders through a colleague.
        cls.globetrotter = cls._customer("Globetrotter Ltd")
        colleague = cls.env["res.partner"].create(
            {"name": "Anna Globetrotter", "parent_id": cls.globetrotter.id}
        )
        cls.a1 = cls._customer("Alpha One", company_id=cls.alpha.id)
        cls.a2 = cls._customer("Alpha Two", company_id=cls.alpha.id)
        cls.b1 = cls._customer("Beta One", company_id=cls.beta.id)
        for company, customer, amount, day, currency in (
            (cls.alpha, cls.globetrotter, 100, "01-15", eur),
            (cls.alpha, colleague, 50, "02-10", eur),
            (cls.alpha, cls.globetrotter, 30, "04-05", eur),
            (cls.alpha, cls.a1, 200, "01-20", eur),
            (cls.alpha, cls.a1, 80, "03-03", eur),
            (cls.alpha, cls.a2, 400, "02-14", eur),
            (cls.beta, cls.globetrotter, 100, "02-11", eur),  # 200 USD
            (cls.beta, cls.globetrotter, 60, "03-12", usd),
            (cls.beta, cls.b1, 300, "02-20", usd),
            (cls.beta, cls.b1, 50, "03-01", eur),  # 100 USD
        ):
            cls._order(company, customer, amount, day, currency)
        # Neither a quotation nor a cancelled order is business.
        cls._order(cls.beta, cls.b1, 999, "04-02", usd, confirm=False)
        cls._order(cls.beta, cls.globetrotter, 999, "04-03", usd).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        cls.env.flush_all()

    @classmethod
    def _order(cls, company, customer, amount, day, currency, *, confirm=True):
        line = {"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount}
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "pricelist_id": cls.pricelists[company, currency].id,
                    "order_line": [Command.create(line)],
                }
            )
        )
        if confirm:
            order.action_confirm()
        order.date_order = at(day)
        return order

    def _rows(self, model, group_by, company, **filters):
        domain = [("company_id", "=", company.id)]
        domain += [(name, "=", value) for name, value in filters.items()]
        return self.env[model]._read_group(domain, group_by, self._measures[model], order=None)

    _measures = {
        "retention.rate.report": [
            "previous_customers:sum",
            "returning_customers:sum",
            "retention_rate:avg",
        ],
        "retention.cohort.report": [
            "cohort_customers:sum",
            "active_customers:sum",
            "retention_share:avg",
            "revenue:sum",
            "first_month_revenue:sum",
            "revenue_share:avg",
        ],
    }

    def _rate(self, company, period, group="date:month"):
        rows = self._rows("retention.rate.report", [group], company, period=period)
        return {
            date.strftime("%Y-%m"): (previous, returning, round(rate, 2))
            for date, previous, returning, rate in rows
        }

    def test_fixture_converts_beta_euros(self):
        orders = self.env["sale.order"].search([("company_id", "=", self.beta.id)])
        self.assertEqual(
            sorted(orders.mapped("currency_rate")), [0.5, 0.5, 1, 1, 1, 1], "EUR at 0.5"
        )

    def test_digest_retention_rate_per_company(self):
        def kpi(company, start, end):
            digest = self.env["digest.digest"].create({"name": "Repeat", "company_id": company.id})
            return digest.with_context(
                start_datetime=datetime.fromisoformat(start),
                end_datetime=datetime.fromisoformat(end),
            ).kpi_retention_rate_value

        # February; the previous period is the 28 days before: Jan 4 - Feb 1.
        # Alpha: Globetrotter and Alpha One bought then; only Globetrotter (through
        # a colleague) again in February.
        self.assertEqual(kpi(self.alpha, "2025-02-01", "2025-03-01"), 50.0)
        self.assertEqual(kpi(self.beta, "2025-02-01", "2025-03-01"), 0.0, "no one before")
        # March; previous Jan 29 - Mar 1. Alpha: Globetrotter and Alpha Two, neither
        # back; Beta: Globetrotter and Beta One, both back.
        self.assertEqual(kpi(self.alpha, "2025-03-01", "2025-04-01"), 0.0)
        self.assertEqual(kpi(self.beta, "2025-03-01", "2025-04-01"), 100.0)
        # A period not cut on months: Jan 18 - Feb 12, previous Dec 24 - Jan 18:
        # Globetrotter (Jan 15) back on Feb 10; Alpha One's Jan 20 is this period.
        self.assertEqual(kpi(self.alpha, "2025-01-18", "2025-02-12"), 100.0)
        digest = self.env["digest.digest"].create({"name": "Repeat"})
        self.assertIn(
            "kpi_retention_rate", digest._compute_kpis_actions(self.env.company, self.env.user)
        )

    def test_rate_report_month_on_month(self):
        self.assertEqual(
            self._rate(self.alpha, "month"),
            {
                "2025-02": (2, 1, 50.0),  # of Globetrotter and Alpha One, Globetrotter
                "2025-03": (2, 0, 0.0),  # of Globetrotter and Alpha Two, none
                "2025-04": (1, 0, 0.0),  # of Alpha One, none
                "2025-05": (1, 0, 0.0),  # of Globetrotter, none
            },
        )
        self.assertEqual(
            self._rate(self.beta, "month"),
            {"2025-03": (2, 2, 100.0), "2025-04": (2, 0, 0.0)},
            "the shared customer counts in each company; quotations and cancels do not",
        )
        # The rate of several months is returning / previous (1 / 5), not the
        # average of the months' rates (50, 0, 0).
        [(previous, returning, rate)] = self.env["retention.rate.report"]._read_group(
            [
                ("company_id", "=", self.alpha.id),
                ("period", "=", "month"),
                ("date", ">=", "2025-02-01"),
                ("date", "<", "2025-05-01"),
            ],
            [],
            self._measures["retention.rate.report"],
        )
        self.assertEqual((previous, returning), (4 + 1, 1))
        self.assertAlmostEqual(rate, 20.0)
        lost = self.env["retention.rate.report"].search(
            [
                ("company_id", "=", self.alpha.id),
                ("period", "=", "month"),
                ("date", "=", "2025-02-01"),
                ("returning_customers", "=", 0),
            ]
        )
        self.assertEqual(lost.partner_id, self.a1, "who did not come back")

    def test_rate_report_quarter_and_year(self):
        # Q1: Globetrotter, Alpha One, Alpha Two; in Q2 only Globetrotter.
        self.assertEqual(
            self._rate(self.alpha, "quarter", "date:quarter"),
            {"2025-04": (3, 1, 33.33), "2025-07": (1, 0, 0.0)},
        )
        self.assertEqual(self._rate(self.beta, "quarter", "date:quarter"), {"2025-04": (2, 0, 0.0)})
        self.assertEqual(self._rate(self.alpha, "year", "date:year"), {"2026-01": (3, 0, 0.0)})

    def test_cohorts(self):
        def cells(company, group_by=("cohort_date:month", "months_since")):
            rows = self._rows("retention.cohort.report", list(group_by), company)
            return {
                (cohort.strftime("%Y-%m"), months): tuple(round(value, 2) for value in values)
                for cohort, months, *values in rows
            }

        # (cohort, active, active %, revenue, first month revenue, revenue %)
        alpha = cells(self.alpha)
        self.assertEqual(alpha["2025-01", 0], (2, 2, 100.0, 300, 300, 100.0))
        self.assertEqual(alpha["2025-01", 1], (2, 1, 50.0, 50, 300, 16.67))
        self.assertEqual(alpha["2025-01", 2], (2, 1, 50.0, 80, 300, 26.67))
        self.assertEqual(alpha["2025-01", 3], (2, 1, 50.0, 30, 300, 10.0))
        self.assertEqual(alpha["2025-01", 4], (2, 0, 0.0, 0, 300, 0.0))
        self.assertEqual(alpha["2025-02", 0], (1, 1, 100.0, 400, 400, 100.0))
        self.assertEqual(alpha["2025-02", 1], (1, 0, 0.0, 0, 400, 0.0))
        self.assertNotIn(("2025-03", 0), alpha, "Alpha One's second month is no cohort")
        # In dollars: 100 EUR is 200 USD, 50 EUR is 100 USD.
        beta = cells(self.beta)
        self.assertEqual(beta["2025-02", 0], (2, 2, 100.0, 500, 500, 100.0))
        self.assertEqual(beta["2025-02", 1], (2, 2, 100.0, 160, 500, 32.0))
        self.assertEqual(beta["2025-02", 2], (2, 0, 0.0, 0, 500, 0.0))
        self.assertEqual({cohort for cohort, _months in beta}, {"2025-02"})
        # A column's total counts every cohort's customers: 1 of 3 a month later.
        rows = self._rows("retention.cohort.report", [], self.alpha, months_since=1)
        [(cohort, active, share, *_revenues)] = rows
        self.assertEqual((cohort, active), (3, 1))
        self.assertAlmostEqual(share, 100 / 3)
        self.assertEqual(
            self.env["retention.cohort.report"]
            .search([("company_id", "=", self.beta.id), ("months_since", "=", 0)])
            .currency_id,
            self.usd,
        )

    def test_reports_stay_in_their_company(self):
        user = new_test_user(
            self.env,
            login="cohort_alpha_rep",
            groups="sales_team.group_sale_salesman",
            company_id=self.alpha.id,
            company_ids=[Command.set(self.alpha.ids)],
        )
        for model in ("retention.rate.report", "retention.cohort.report"):
            with self.subTest(model=model):
                companies = self.env[model].with_user(user).search([]).company_id
                self.assertEqual(companies, self.alpha)
                ours = [("company_id", "in", (self.alpha | self.beta).ids)]
                self.assertTrue(self.env[model].search(ours).company_id >= self.beta)

    def test_the_period_under_way_is_marked_and_left_out(self):
        today = fields.Date.today()
        last_month = today.replace(day=1) - relativedelta(months=1)
        order = self._order(self.alpha, self.a2, 70, "01-01", self.eur)
        order.date_order = datetime.combine(last_month, datetime.min.time())
        self.env.flush_all()
        rate = self.env["retention.rate.report"].search(
            [("partner_id", "=", self.a2.id), ("period", "=", "month")]
        )
        current = rate.filtered(lambda row: row.date == today.replace(day=1))
        self.assertTrue(current.is_partial, "this month has not ended: its rate is no collapse")
        self.assertFalse((rate - current).filtered("is_partial"))
        # The action plots complete periods only, unless asked.
        action = self.env.ref("retention_loyalty.action_retention_rate_report")
        self.assertIn("'search_default_complete': 1", action.context)
        cohort = self.env["retention.cohort.report"].search(
            [("partner_id", "=", self.a2.id), ("cohort_date", "=", last_month)]
        )
        self.assertFalse(cohort, "A2's cohort is February 2025, not last month")
        cells = self.env["retention.cohort.report"].search(
            [("partner_id", "=", self.a2.id), ("is_partial", "=", True)]
        )
        self.assertEqual(len(cells), 1, "one cell per customer is under way: this month")
        self.assertEqual(
            cells.months_since,
            (today.year - 2025) * 12 + today.month - 2,
        )

    def test_cohorts_name_their_size_and_their_months(self):
        rows = self.env["retention.cohort.report"].search(
            [("company_id", "=", self.alpha.id), ("months_since", "in", (0, 1, 3))]
        )
        self.assertEqual(set(rows.mapped("cohort")), {"2025-01 (2)", "2025-02 (1)"})
        labels = dict(
            self.env["retention.cohort.report"]
            ._fields["months_after"]
            ._description_selection(self.env)
        )
        self.assertEqual(
            [labels[row.months_after] for row in rows.sorted("months_since")][:1],
            ["First month"],
        )
        self.assertEqual(labels["001"], "1 month after")
        self.assertEqual(labels["003"], "3 months after")
        # In the order of the months, not of their names ("10" before "2").
        groups = self.env["retention.cohort.report"]._read_group(
            [("company_id", "=", self.alpha.id)], ["months_after"], order="months_after"
        )
        months = [int(key) for (key,) in groups]
        self.assertEqual(months, sorted(months))
        self.assertGreater(len(months), 10)

    def test_an_order_dated_ahead_keeps_its_cohort_cell(self):
        # A sale dated next month (booked ahead) shows in its month's cell,
        # after the month under way, as it did before the cells were joined.
        ahead = fields.Date.today().replace(day=1) + relativedelta(months=1)
        order = self._order(self.alpha, self.a2, 70, "02-15", self.eur)
        order.date_order = datetime.combine(ahead, datetime.min.time()).replace(hour=12)
        self.env.flush_all()
        months = (ahead.year - 2025) * 12 + ahead.month - 2  # since February 2025
        cell = self.env["retention.cohort.report"].search(
            [("partner_id", "=", self.a2.id), ("months_since", "=", months)]
        )
        self.assertEqual((cell.active_customers, cell.revenue), (1, 70))
