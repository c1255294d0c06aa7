"""18.0.2.2.0: customer health. The profiles gain all-time order counts, the
previous window's revenue and the health factors, score and band, which the
scheduled action computes (18.0.2.3.0 asks it to run: a migration only moves
data).

"Churn Risk After N days" became "Expected Days Between Orders", a customer
leaving after twice that: a value an admin set is halved, so that a one-time
buyer shows in Churn Risk after the same number of days as before."""


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_config_parameter SET value = GREATEST(value::int / 2, 1)::text
            WHERE key = 'retention_loyalty.churn_days' AND value ~ '^[0-9]+$'"""
    )
