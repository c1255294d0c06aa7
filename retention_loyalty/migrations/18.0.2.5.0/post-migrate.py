"""18.0.2.5.0: a rule's measurement period starts when it was created (the
hold-out draw and the Rule Impact report read it)."""


def migrate(cr, version):
    cr.execute(
        "UPDATE retention_cadence SET holdout_since = create_date WHERE holdout_since IS NULL"
    )
