"""18.0.2.6.0: a tier's description was written to customers; it is now
their perks (`perks`), and the description is an internal note. The shipped
upgrade e-mail (an admin may have edited it: only the field's name changes)
shows the perks."""


def migrate(cr, version):
    cr.execute(
        "UPDATE retention_tier SET perks = description, description = NULL "
        "WHERE perks IS NULL AND description IS NOT NULL"
    )
    cr.execute(
        """UPDATE mail_template t
              SET body_html = replace(t.body_html::text, 'loyalty_tier_id.description',
                                      'loyalty_tier_id.perks')::jsonb
             FROM ir_model_data d
            WHERE d.module = 'retention_loyalty' AND d.name = 'mail_template_tier_thanks'
              AND d.model = 'mail.template' AND d.res_id = t.id"""
    )
