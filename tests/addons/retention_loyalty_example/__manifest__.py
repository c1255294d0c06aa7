{
    "name": "Retention & Loyalty: example extension (tests only)",
    "version": "18.0.1.0.0",
    "summary": "How another addon adds a cadence trigger, a step kind, a health factor and a "
    "referral fraud rule, and sees every activity the engine creates",
    "author": "Retention Loyalty developers",
    "license": "LGPL-3",
    # The loyalty bridge for the fraud rules; the rest needs retention_loyalty only.
    "depends": ["retention_loyalty", "retention_loyalty_sale_loyalty"],
    "data": ["views/res_config_settings_views.xml"],
    "installable": True,
}
