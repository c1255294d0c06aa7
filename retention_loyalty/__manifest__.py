{
    "name": "Retention & Loyalty",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Keep customers: loyalty tiers, satisfaction and effort, "
    "advocates, referrals, complaints, account reviews and follow-up cadences",
    "website": "https://github.com/retention-loyalty/retention_loyalty",
    "author": "Retention Loyalty developers",
    "maintainers": ["retention-loyalty"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["contacts", "mail", "crm", "sale_management"],
    "data": [
        "security/retention_security.xml",
        "data/retention_config_data.xml",
        "views/res_config_settings_views.xml",
        "views/retention_menus.xml",
    ],
    "demo": [
        "demo/retention_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "retention_loyalty/static/tests/tours/*.js",
        ],
    },
    "images": ["static/description/icon.png"],
    "application": True,
}
