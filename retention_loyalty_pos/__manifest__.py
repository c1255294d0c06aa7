{
    "name": "Retention & Loyalty: Point of Sale",
    "version": "18.0.1.1.0",
    "category": "Sales/Point of Sale",
    "summary": "Till sales and refunds count in the loyalty profile: tiers, health, key "
    "accounts, cohorts; a cadence trigger for paid till sales; the tier and its prices at "
    "the till, the membership card scanned",
    "website": "https://github.com/retention-loyalty/retention_loyalty",
    "author": "Retention Loyalty developers",
    "maintainers": ["retention-loyalty"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["retention_loyalty", "point_of_sale"],
    "assets": {
        "point_of_sale._assets_pos": ["retention_loyalty_pos/static/src/**/*"],
        "web.assets_tests": ["retention_loyalty_pos/static/tests/tours/**/*"],
    },
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
