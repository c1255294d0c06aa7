{
    "name": "Retention & Loyalty",
    "version": "18.0.1.1.0",
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
        "security/ir.model.access.csv",
        "data/retention_tier_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/retention_tier_views.xml",
        "views/retention_feedback_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/mail_activity_type_views.xml",
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
