"""18.0.2.1.0: rules and steps got translatable texts of their own; start
them from Odoo's (English) plan name, step summary and note."""


def migrate(cr, version):
    cr.execute(
        """UPDATE retention_cadence c SET title = jsonb_build_object('en_US', p.name)
             FROM mail_activity_plan p
            WHERE p.id = c.plan_id AND c.title IS NULL"""
    )
    cr.execute(
        """UPDATE mail_activity_plan_template t
              SET retention_summary = CASE WHEN t.summary IS NOT NULL
                                           THEN jsonb_build_object('en_US', t.summary) END,
                  retention_note = CASE WHEN t.note IS NOT NULL
                                        THEN jsonb_build_object('en_US', t.note) END
             FROM retention_cadence c
            WHERE c.plan_id = t.plan_id
              AND t.retention_summary IS NULL AND t.retention_note IS NULL"""
    )
