{
    "name": "Retention & Loyalty: Offers at the Till",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "summary": "Loyalty programs limited to tiers, at the till: applied to the tier's members, "
    "refused to the others with whom the offer is for",
    "website": "https://github.com/retention-loyalty/retention_loyalty",
    "author": "Retention Loyalty developers",
    "maintainers": ["retention-loyalty"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["retention_loyalty_pos", "retention_loyalty_sale_loyalty", "pos_loyalty"],
    "assets": {
        "point_of_sale._assets_pos": ["retention_loyalty_pos_loyalty/static/src/**/*"],
        "web.assets_tests": ["retention_loyalty_pos_loyalty/static/tests/tours/**/*"],
    },
    "auto_install": True,
}
