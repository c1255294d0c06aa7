"""18.0.2.6.0: a tier's description was written to customers; it is now
their perks (`perks`), and the description is an internal note."""


def migrate(cr, version):
    cr.execute(
        "UPDATE retention_tier SET perks = description, description = NULL "
        "WHERE perks IS NULL AND description IS NOT NULL"
    )
