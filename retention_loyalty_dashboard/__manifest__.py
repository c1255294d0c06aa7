{
    "name": "Retention & Loyalty: Dashboard",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "A Retention page in Odoo's Dashboards app: retention rate, NPS, health and "
    "revenue at risk, customers at risk, tiers, referrals, complaints, follow-ups, rule lift",
    "website": "https://github.com/retention-loyalty/retention_loyalty",
    "author": "Retention Loyalty developers",
    "maintainers": ["retention-loyalty"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["retention_loyalty", "spreadsheet_dashboard"],
    "data": ["data/dashboards.xml"],
    "assets": {
        "web.assets_tests": ["retention_loyalty_dashboard/static/tests/tours/**/*"],
    },
    "images": ["static/description/retention_dashboard.png"],
    "auto_install": True,
}
