"""The Retention dashboard's every data source runs for a retention user: each
pivot, list and chart reads fields that exist and returns, and each global
filter's field is on each source it filters. Then a browser opens it."""

import base64
import json
from datetime import date

from odoo import Command
from odoo.addons.retention_loyalty.tests.common import RetentionCase
from odoo.tests import HttpCase, new_test_user, tagged

UNMATCHED = {"retention.cadence": {"Period", "Salesperson", "Loyalty Tier"}}


@tagged("post_install", "-at_install")
class TestRetentionDashboard(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("retention_loyalty_dashboard.spreadsheet_dashboard_retention")
        cls.data = json.loads(base64.b64decode(cls.dashboard.spreadsheet_binary_data))
        cls.company_b = cls.env["res.company"].create(
            {"name": "Dashboard B", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.user = new_test_user(
            cls.env,
            login="dashboard_user",
            groups="retention_loyalty.group_retention_user",
            company_ids=[Command.set((cls.env.company | cls.company_b).ids)],
        )
        customer = cls._customer("Dashboard Customer", user_id=cls.user.id)
        cls._sell(customer, 3000, days_ago=40)
        cls._sell(customer, 2000, days_ago=400)
        cls._answer(customer, 9)

    def _sources(self):
        """(what, model, domain, group by, fields, field matching) of every
        data source: pivots, lists and Odoo charts."""
        for pivot in self.data["pivots"].values():
            groupby = [r["fieldName"] for r in pivot["rows"] + pivot["columns"]]
            measures = [m["fieldName"] for m in pivot["measures"] if m["fieldName"] != "__count"]
            yield (
                f"pivot {pivot['name']}",
                pivot["model"],
                pivot["domain"],
                groupby,
                measures,
                pivot["fieldMatching"],
            )
        for list_ in self.data["lists"].values():
            yield (
                f"list {list_['name']}",
                list_["model"],
                list_["domain"],
                None,
                list_["columns"],
                list_["fieldMatching"],
            )
        for sheet in self.data["sheets"]:
            for figure in sheet["figures"]:
                chart = figure["data"]
                if chart["type"].startswith("odoo_"):
                    meta = chart["metaData"]
                    yield (
                        f"chart {chart['title']['text']}",
                        meta["resModel"],
                        chart["searchParams"]["domain"],
                        meta["groupBy"],
                        [meta["measure"]],
                        chart["fieldMatching"],
                    )

    def test_every_source_runs_for_a_retention_user(self):
        env = self.env(user=self.user)
        sources = list(self._sources())
        self.assertEqual(len(sources), 8 + 2 + 4)
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        self.assertEqual(
            sorted(f["label"] for f in filters.values()),
            ["Company", "Loyalty Tier", "Period", "Salesperson"],
        )
        for what, model, domain, groupby, fields, matching in sources:
            with self.subTest(source=what):
                Model = env[model]
                for name in fields + [g.split(":")[0] for g in groupby or []]:
                    self.assertIn(name, Model._fields, f"{what}: no field {name}")
                if groupby is None:
                    Model.search_read(domain, fields, limit=10)
                else:
                    Model.read_group(
                        domain,
                        [f"{m}:{Model._fields[m].aggregator or 'sum'}" for m in fields],
                        groupby,
                        lazy=False,
                    )
                # Every global filter is matched (a snapshot of today has no
                # period), and its field filters the source as the page will.
                self.assertEqual(set(matching), set(filters), what)
                for filter_id, match in matching.items():
                    chain = match.get("chain")
                    if not chain:
                        # A snapshot of today has no period; a rule belongs to a
                        # company, not to a salesperson or a tier.
                        label = filters[filter_id]["label"]
                        self.assertIn(label, UNMATCHED.get(model, {"Period"}), what)
                        continue
                    value = date(2026, 1, 1) if match["type"] == "date" else [1]
                    operator = ">=" if match["type"] == "date" else "in"
                    Model.search([(chain, operator, value)], limit=1)

    def test_every_formula_names_a_source(self):
        formulas = [
            cell["content"]
            for sheet in self.data["sheets"]
            for cell in sheet["cells"].values()
            if cell.get("content", "").startswith("=")
        ]
        pivots, lists = set(self.data["pivots"]), set(self.data["lists"])
        for formula in formulas:
            for name, known in (
                ("PIVOT.VALUE(", pivots),
                ("PIVOT(", pivots),
                ("ODOO.LIST(", lists),
            ):
                if name in formula:
                    source = formula.split(name, 1)[1].split(",")[0].split(")")[0]
                    self.assertIn(source, known, formula)

    def test_the_sample_page_draws_from_its_own_numbers(self):
        sample = self.dashboard._get_sample_dashboard()
        self.assertFalse(sample["pivots"] or sample["lists"] or sample["globalFilters"])
        cells = sample["sheets"][1]["cells"]
        for figure in sample["sheets"][0]["figures"]:
            chart = figure["data"]
            self.assertFalse(chart["type"].startswith("odoo_"), chart["title"])
            ranges = [chart.get("keyValue")] + [d["dataRange"] for d in chart.get("dataSets", [])]
            for ref in filter(None, ranges):
                first = ref.split("!")[1].split(":")[0]
                self.assertIn(first, cells, f"{chart['title']['text']}: {ref} is empty")

    def test_the_dashboard_is_for_retention_users(self):
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(
            self.dashboard.group_ids, self.env.ref("retention_loyalty.group_retention_user")
        )
        data = self.dashboard.with_user(self.user).get_readonly_dashboard()
        self.assertIn("snapshot", data)
        self.assertFalse(data.get("is_sample"), "customers exist: the real page")

    def test_tour_open_the_dashboard(self):
        self.user.groups_id |= self.env.ref("base.group_user")
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "retention_loyalty_dashboard_tour",
            login="dashboard_user",
        )
