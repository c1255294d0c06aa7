"""Write the Retention dashboard of Odoo's Dashboards app (the o-spreadsheet
JSON of retention_loyalty_dashboard/data/files/): `python3 tools/dashboard.py`.

One source of truth for its layout: each figure, pivot, list and global
filter is declared once below; the sample dashboard (shown on a database
with no customer yet) is the same page with fixed numbers."""

import json
import uuid
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "retention_loyalty_dashboard" / "data" / "files"

# Global filters: period, company, salesperson, tier.
PERIOD, COMPANY, USER, TIER = (
    "9c3a1f52-0d43-4f39-8f0e-6b1a2f0c7a01",
    "9c3a1f52-0d43-4f39-8f0e-6b1a2f0c7a02",
    "9c3a1f52-0d43-4f39-8f0e-6b1a2f0c7a03",
    "9c3a1f52-0d43-4f39-8f0e-6b1a2f0c7a04",
)
GLOBAL_FILTERS = [
    {
        "id": PERIOD,
        "type": "date",
        "label": "Period",
        "defaultValue": "last_year",
        "rangeType": "relative",
    },
    {
        "id": COMPANY,
        "type": "relation",
        "label": "Company",
        "modelName": "res.company",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
    },
    {
        "id": USER,
        "type": "relation",
        "label": "Salesperson",
        "modelName": "res.users",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
    },
    {
        "id": TIER,
        "type": "relation",
        "label": "Loyalty Tier",
        "modelName": "retention.tier",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
    },
]


def matching(date=None, company="company_id", user="user_id", tier="partner_id.loyalty_tier_id"):
    """Each global filter's field on a data source ({} where it has none: a
    snapshot of today has no period)."""
    return {
        PERIOD: {"chain": date, "type": "date", "offset": 0} if date else {},
        COMPANY: {"chain": company, "type": "many2one"},
        USER: {"chain": user, "type": "many2one"},
        TIER: {"chain": tier, "type": "many2one"},
    }


MONTHLY = [["period", "=", "month"]]
OPEN = [["state", "in", ["new", "in_progress"]]]
# id: (model, name, domain, rows, columns, measures, field matching)
PIVOTS = {
    "1": (
        "retention.rate.report",
        "Retention rate",
        MONTHLY,
        [],
        [],
        ["previous_customers", "returning_customers"],
        matching("date"),
    ),
    "2": (
        "retention.nps.report",
        "NPS",
        [],
        [],
        [],
        ["nps", "__count"],
        matching("date", tier="tier_id"),
    ),
    "3": (
        "retention.health.report",
        "Customers by health",
        [],
        ["health_band"],
        [],
        ["customer_count", "revenue", "revenue_at_risk"],
        matching(tier="tier_id"),
    ),
    "4": (
        "retention.health.report",
        "Customers and revenue by tier",
        [],
        ["tier_id"],
        [],
        ["customer_count", "revenue", "revenue_at_risk"],
        matching(tier="tier_id"),
    ),
    # Spreadsheet pivots group by no boolean: the key accounts are a domain.
    "9": (
        "retention.health.report",
        "Key accounts",
        [["is_key_account", "=", True]],
        [],
        [],
        ["customer_count", "revenue"],
        matching(tier="tier_id"),
    ),
    "5": (
        "retention.referral.funnel.report",
        "Referral funnel",
        [],
        [],
        [],
        ["referral_count", "lead_count", "customer_count", "revenue"],
        matching("month"),
    ),
    "6": (
        "retention.profile",
        "Complaints",
        [],
        [],
        [],
        ["health_open_complaints", "health_late_complaints"],
        matching(user="partner_id.user_id", tier="loyalty_tier_id"),
    ),
    "7": (
        "retention.compliance.report",
        "Follow-ups on time",
        [],
        ["user_id"],
        [],
        ["followup_count", "on_time_count"],
        matching("date_deadline"),
    ),
}
LISTS = {
    "1": (
        "retention.health.report",
        "Top customers at risk",
        [["revenue_at_risk", ">", 0]],
        ["partner_id", "user_id", "tier_id", "health_band", "health_score", "revenue_at_risk"],
        [{"name": "revenue_at_risk", "asc": False}],
        matching(tier="tier_id"),
    ),
    # Each rule's proof (retention_cadence_holdout.py): a rule is the
    # company's, not a salesperson's nor a tier's.
    "2": (
        "retention.cadence",
        "Rule lift",
        [["holdout_percent", ">", 0]],
        [
            "name",
            "holdout_percent",
            "impact_customer_count",
            "impact_lift",
            "impact_lift_low",
            "impact_lift_high",
        ],
        [{"name": "sequence", "asc": True}],
        {PERIOD: {}, COMPANY: {"chain": "company_id", "type": "many2one"}, USER: {}, TIER: {}},
    ),
}
# (list, headers) of the list tables.
LIST_HEADERS = {
    "1": ["Customer", "Salesperson", "Tier", "Health band", "Health", "Revenue at risk"],
    "2": [
        "Rule",
        "Held out (%)",
        "Customers measured",
        "Lift (points)",
        "Lift, 95 % low",
        "Lift, 95 % high",
    ],
}
LIST_ROWS = 10
# (title, data cell, background) of the scorecards across the top.
# (title, data cell, background, baseline cell, baseline words)
SCORECARDS = [
    ("Retention rate", "Data!C2", "#EFF6FF", None, ""),
    ("NPS", "Data!C3", "#EFF6FF", None, ""),
    ("Revenue at risk", "Data!C4", "#FFF7ED", None, ""),
    ("Open complaints", "Data!C5", "#FEF2F2", "Data!C6", "late"),
    ("Key accounts", "Data!C10", "#EFF6FF", "Data!C9", "of revenue"),
    ("Referral revenue", "Data!C7", "#F0FDF4", None, ""),
    ("Done on time", "Data!C8", "#F0FDF4", None, ""),
]
# The Data sheet: label, value formula, sample value.
DATA = [
    (
        "Retention rate",
        '=IFERROR(PIVOT.VALUE(1,"returning_customers")/PIVOT.VALUE(1,"previous_customers"))',
        0.62,
    ),
    ("NPS", '=PIVOT.VALUE(2,"nps")', 31.0),
    ("Revenue at risk", '=IFERROR(PIVOT.VALUE(3,"revenue_at_risk")+0,0)', 184200),
    ("Open complaints", '=IFERROR(PIVOT.VALUE(6,"health_open_complaints")+0,0)', 14),
    ("Late complaints", '=IFERROR(PIVOT.VALUE(6,"health_late_complaints")+0,0)', 3),
    ("Referral revenue", '=IFERROR(PIVOT.VALUE(5,"revenue")+0,0)', 42800),
    (
        "Follow-ups on time",
        '=IFERROR(PIVOT.VALUE(7,"on_time_count")/PIVOT.VALUE(7,"followup_count"))',
        0.87,
    ),
    (
        "Key accounts' share of revenue",
        '=IFERROR(PIVOT.VALUE(9,"revenue")/PIVOT.VALUE(3,"revenue"))',
        0.71,
    ),
    ("Key accounts", '=IFERROR(PIVOT.VALUE(9,"customer_count")+0,0)', 48),
]
DATA_FORMATS = {
    "C2": "0.0%",
    "C3": "0.0",
    "C4": "#,##0",
    "C5": "0",
    "C6": "0",
    "C7": "#,##0",
    "C8": "0.0%",
    "C9": "0.0%",
    "C10": "0",
}
# (title, model, measure, group by, kind, x, y, width, height, domain, matching)
CHARTS = [
    (
        "Retention rate by month",
        "retention.rate.report",
        "retention_rate",
        ["date:month"],
        "line",
        0,
        140,
        520,
        280,
        MONTHLY,
        matching("date"),
    ),
    (
        "NPS by month",
        "retention.nps.report",
        "nps",
        ["date:month"],
        "line",
        530,
        140,
        520,
        280,
        [],
        matching("date", tier="tier_id"),
    ),
    (
        "Customers by health band",
        "retention.health.report",
        "customer_count",
        ["health_band"],
        "bar",
        0,
        430,
        520,
        280,
        [],
        matching(tier="tier_id"),
    ),
    (
        "Revenue at risk by salesperson",
        "retention.health.report",
        "revenue_at_risk",
        ["user_id"],
        "bar",
        530,
        430,
        520,
        280,
        [],
        matching(tier="tier_id"),
    ),
]
# Tables under the charts start on this row; their titles (bold).
TABLE_ROW = 33


def pivot_json(pivot_id, spec):
    model, name, domain, rows, cols, measures, field_matching = spec
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": model,
        "domain": domain,
        "context": {},
        "rows": [{"fieldName": row} for row in rows],
        "columns": [{"fieldName": col} for col in cols],
        "measures": [{"id": m, "fieldName": m} for m in measures],
        "fieldMatching": field_matching,
    }


def list_json(list_id, spec):
    model, name, domain, columns, order, field_matching = spec
    return {
        "id": list_id,
        "name": name,
        "model": model,
        "columns": columns,
        "domain": domain,
        "context": {},
        "orderBy": order,
        "fieldMatching": field_matching,
    }


def chart_figure(index, spec, sample):
    title, model, measure, group_by, kind, x, y, width, height, domain, field_matching = spec
    figure_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"retention-chart-{index}"))
    data = {
        "title": {"text": title, "bold": True, "color": "#434343"},
        "background": "#FFFFFF",
        "legendPosition": "none",
    }
    if sample:
        row = 12 + 7 * index
        data.update(
            {
                "type": kind,
                "dataSets": [{"dataRange": f"Data!B{row}:B{row + 5}"}],
                "labelRange": f"Data!A{row}:A{row + 5}",
                "dataSetsHaveTitle": False,
                "aggregated": False,
                "stacked": False,
            }
        )
    else:
        data.update(
            {
                "type": f"odoo_{kind}",
                "metaData": {
                    "groupBy": group_by,
                    "measure": measure,
                    "order": None,
                    "resModel": model,
                    "mode": kind,
                },
                # A month without data is a gap, not a zero (an NPS of 0 is a
                # real score): no temporal filling.
                "searchParams": {
                    "comparison": None,
                    "context": {"group_by": [], "fill_temporal": False},
                    "domain": domain,
                    "groupBy": group_by,
                    "orderBy": [],
                },
                "fieldMatching": field_matching,
                "verticalAxisPosition": "left",
                "stacked": False,
            }
        )
        if kind == "line":
            data.update({"fillArea": True, "cumulative": False})
    return {
        "id": figure_id,
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "tag": "chart",
        "data": data,
    }


def scorecards():
    figures, width = [], 144
    for index, (title, cell, background, baseline, words) in enumerate(SCORECARDS):
        data = {
            "type": "scorecard",
            "title": {"text": title, "bold": True, "color": "#434343"},
            "keyValue": cell,
            "background": background,
            "baselineMode": "text",
            "baselineDescr": words,
            "humanize": True,
        }
        if baseline:
            data["baseline"] = baseline
        figures.append(
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"retention-scorecard-{index}")),
                "x": index * (width + 6),
                "y": 30,
                "width": width,
                "height": 100,
                "tag": "chart",
                "data": data,
            }
        )
    return figures


def section_title(cells, row, title):
    """A table's title (style 3: see spreadsheet())."""
    cells[f"A{row}"] = {"content": f'=_t("{title}")', "style": 3}


def list_table(cells, list_id, title, row, sample):
    """A list's title, headers and first LIST_ROWS rows from `row`; the next free row."""
    section_title(cells, row, title)
    fields = LISTS[list_id][3]
    for col, (header, field) in enumerate(zip(LIST_HEADERS[list_id], fields, strict=True)):
        letter = "ABCDEF"[col]
        cells[f"{letter}{row + 1}"] = {"content": f'=_t("{header}")'}
        for line in range(1, LIST_ROWS + 1):
            if sample:
                content = f"Sample {line}" if col == 0 else ""
            else:
                content = f'=ODOO.LIST({list_id},{line},"{field}")'
            if content:
                cells[f"{letter}{row + 1 + line}"] = {"content": content}
    return row + LIST_ROWS + 3


def dashboard_cells(sample):
    cells = {"A1": {"content": '=_t("Retention")'}}
    row = list_table(cells, "1", "Top customers at risk", TABLE_ROW, sample)
    for title, pivot_id in (
        ("Customers and revenue by tier", "4"),
        ("Referral funnel", "5"),
        ("Follow-ups on time by salesperson", "7"),
    ):
        section_title(cells, row, title)
        if not sample:
            cells[f"A{row + 1}"] = {"content": f"=PIVOT({pivot_id})"}
        row += 12
    list_table(cells, "2", "Rule lift: follow-up rules with a hold-out group", row, sample)
    return cells


def data_cells(sample):
    cells = {"A1": {"content": '=_t("KPI")'}, "C1": {"content": '=_t("Value")'}}
    for index, (label, formula, sample_value) in enumerate(DATA, start=2):
        cells[f"A{index}"] = {"content": f'=_t("{label}")'}
        cells[f"C{index}"] = {"content": str(sample_value) if sample else formula}
    if sample:
        for index, spec in enumerate(CHARTS):
            row = 12 + 7 * index
            for offset in range(6):
                cells[f"A{row + offset}"] = {"content": f"{spec[0][:3]} {offset + 1}"}
                cells[f"B{row + offset}"] = {"content": str(10 + (index + 3) * offset % 17)}
    return cells


def spreadsheet(sample=False):
    figures = scorecards() + [chart_figure(i, spec, sample) for i, spec in enumerate(CHARTS)]
    formats = {str(i): fmt for i, fmt in enumerate(sorted(set(DATA_FORMATS.values())), start=1)}
    format_ids = {fmt: key for key, fmt in formats.items()}
    cells = dashboard_cells(sample)
    # Each title's style goes in the sheet's style map, not in the cell.
    titles = {ref: cell.pop("style") for ref, cell in cells.items() if "style" in cell}
    sheet = {
        "id": "dashboard",
        "name": "Dashboard",
        "colNumber": 8,
        "rowNumber": 100,
        "rows": {},
        "cols": {
            "0": {"size": 220},
            "1": {"size": 150},
            "2": {"size": 140},
            "3": {"size": 140},
            "4": {"size": 140},
            "5": {"size": 140},
        },
        "merges": [],
        "cells": cells,
        "styles": {"A1": 1, **titles},
        "formats": {},
        "borders": {},
        "conditionalFormats": [],
        "figures": figures,
        "tables": [],
        "areGridLinesVisible": False,
        "isVisible": True,
        "headerGroups": {},
        "dataValidationRules": [],
        "comments": {},
    }
    data = {
        "id": "data",
        "name": "Data",
        "colNumber": 4,
        "rowNumber": 60,
        "rows": {},
        "cols": {"0": {"size": 200}},
        "merges": [],
        "cells": data_cells(sample),
        "styles": {"A1:C1": 2},
        "formats": {cell: int(format_ids[fmt]) for cell, fmt in DATA_FORMATS.items()},
        "borders": {},
        "conditionalFormats": [],
        "figures": [],
        "tables": [],
        "areGridLinesVisible": True,
        "isVisible": True,
        "headerGroups": {},
        "dataValidationRules": [],
        "comments": {},
    }
    return {
        "version": 21,
        "sheets": [sheet, data],
        "styles": {
            "1": {"bold": True, "fontSize": 16, "textColor": "#01666b"},
            "2": {"bold": True},
            "3": {"bold": True, "fontSize": 12, "textColor": "#434343"},
        },
        "formats": formats,
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {
            "locale": {
                "name": "English (US)",
                "code": "en_US",
                "thousandsSeparator": ",",
                "decimalSeparator": ".",
                "dateFormat": "mm/dd/yyyy",
                "timeFormat": "hh:mm:ss",
                "formulaArgSeparator": ",",
                "weekStart": 7,
            }
        },
        "pivots": {} if sample else {k: pivot_json(k, v) for k, v in PIVOTS.items()},
        "pivotNextId": len(PIVOTS) + 1,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": [] if sample else GLOBAL_FILTERS,
        "lists": {} if sample else {k: list_json(k, v) for k, v in LISTS.items()},
        "listNextId": len(LISTS) + 1,
        "chartOdooMenusReferences": {},
    }


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, sample in (
        ("retention_dashboard.json", False),
        ("retention_sample_dashboard.json", True),
    ):
        (OUT / name).write_text(
            json.dumps(spreadsheet(sample), indent=1, ensure_ascii=False) + "\n"
        )
        print(f"wrote {OUT / name}")
