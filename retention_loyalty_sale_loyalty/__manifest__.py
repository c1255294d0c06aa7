{
    "name": "Retention & Loyalty: Loyalty Programs",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "summary": "Odoo's loyalty programs for retention: tier entry rewards, offers for a "
    "tier, referral rewards (a welcome code for the friend, a held reward for the referrer, "
    "fraud rules)",
    "website": "https://github.com/retention-loyalty/retention_loyalty",
    "author": "Retention Loyalty developers",
    "maintainers": ["retention-loyalty"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["retention_loyalty", "sale_loyalty"],
    "data": [
        "security/ir.model.access.csv",
        "security/retention_tier_reward_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/retention_tier_views.xml",
        "views/retention_referral_views.xml",
        "views/res_config_settings_views.xml",
        "views/retention_referral_templates.xml",
    ],
    "auto_install": True,
}
