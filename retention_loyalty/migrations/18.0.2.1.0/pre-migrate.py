"""18.0.2.1.0: the shipped rules' steps became records of their own (with XML
ids, so their texts can be translated). Give the steps already in the
database those XML ids, so loading the data does not add them a second time."""

# rule XML id -> its steps' XML id suffixes, in the order of their sequence.
SHIPPED_STEPS = {
    "cadence_after_sale_248": ["day2", "day4", "day8"],
    "cadence_weekly_until_departure": ["weekly"],
    "cadence_account_review": ["review"],
    "cadence_detractor_recovery": ["call"],
    "cadence_complaint_measure": ["request"],
    "cadence_inactivity_winback": ["call"],
    "cadence_tier_upgrade_thanks": ["call"],
}


def migrate(cr, version):
    for rule, suffixes in SHIPPED_STEPS.items():
        cr.execute(
            """SELECT t.id FROM ir_model_data d
                 JOIN retention_cadence c ON c.id = d.res_id
                 JOIN mail_activity_plan_template t ON t.plan_id = c.plan_id
                WHERE d.module = 'retention_loyalty' AND d.name = %s
                  AND d.model = 'retention.cadence'
             ORDER BY t.sequence, t.id""",
            [rule],
        )
        steps = [row[0] for row in cr.fetchall()]
        for suffix, step_id in zip(suffixes, steps, strict=False):
            cr.execute(
                """INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
                   VALUES ('retention_loyalty', %s, 'mail.activity.plan.template', %s, true)
                   ON CONFLICT DO NOTHING""",
                [f"{rule}_step_{suffix}", step_id],
            )
