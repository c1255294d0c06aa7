def post_init_hook(env):
    """An existing database's customers get their profiles from the
    scheduled action, right after the install and with its progress shown,
    rather than inside the install itself."""
    env.ref("retention_loyalty.ir_cron_loyalty_profiles")._trigger()


def uninstall_hook(env):
    """Keep the reps' work when the addon goes: activities of the addon's
    activity types move to Odoo's own Call / To-Do types (the types, which the
    uninstall deletes, would otherwise block it), and the cadence rules take
    their activity plans with them."""
    env["retention.cadence"].with_context(active_test=False).search([]).unlink()
    # The one index the addon adds to a table of Odoo's (retention_purchase.py),
    # and the referral page's lock table (retention_referral_limits.py).
    env.cr.execute("DROP INDEX IF EXISTS retention_account_move_customer_index")
    env.cr.execute("DROP TABLE IF EXISTS retention_referral_gate")
    ours = env["ir.model.data"].search(
        [("module", "=", "retention_loyalty"), ("model", "=", "mail.activity.type")]
    )
    types = env["mail.activity.type"].browse(ours.mapped("res_id")).exists()
    activities = env["mail.activity"].with_context(active_test=False)
    for activity_type in types:
        generic = env.ref(
            "mail.mail_activity_data_call"
            if activity_type.category == "phonecall"
            else "mail.mail_activity_data_todo"
        )
        activities.search([("activity_type_id", "=", activity_type.id)]).write(
            {"activity_type_id": generic.id}
        )
        # Other plans' steps (HR, CRM...) keep their summary, note and assignee:
        # only the type changes, without the computes that would reset them.
        env["mail.activity.plan.template"].flush_model()
        env.cr.execute(
            "UPDATE mail_activity_plan_template SET activity_type_id = %s "
            "WHERE activity_type_id = %s",
            [generic.id, activity_type.id],
        )
        env["mail.activity.plan.template"].invalidate_model(["activity_type_id"])
