import ast

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .retention_engine import follow_english_texts

TRIGGERS = [
    ("sale_confirmed", "Sale order confirmed"),
    ("invoice_posted", "Direct customer invoice posted"),
    ("lead_won", "Opportunity won"),
    ("order_date", "Date on the sale order"),
    ("review", "Account review due"),
    ("detractor", "Detractor feedback or new complaint"),
    ("complaint_resolved", "Complaint resolved"),
    ("inactivity", "Customer inactive"),
    ("tier_changed", "Loyalty tier changed"),
    ("health_band", "Health fell into a band"),
    ("health_drop", "Health dropped"),
    ("next_order_overdue", "Next order overdue"),
    ("churn_probability", "Chance of no order high"),
    ("tier_grace_ending", "Tier grace period ending"),
]


class RetentionCadence(models.Model):
    """A follow-up rule: when something happens to a customer (the trigger),
    schedule the steps of an activity plan around a date (the anchor)."""

    _name = "retention.cadence"
    _description = "Cadence Rule"
    _inherits = {"mail.activity.plan": "plan_id"}
    _order = "sequence, id"

    plan_id = fields.Many2one(
        "mail.activity.plan", "Activity Plan", required=True, ondelete="cascade", auto_join=True
    )
    # The plan's name is not translatable in Odoo: the rule's title is, and
    # follows it in English (see the steps' texts).
    title = fields.Char("Rule Name", translate=True)
    sequence = fields.Integer(default=10)
    trigger = fields.Selection(
        TRIGGERS, required=True, default="sale_confirmed", help="What starts the follow-ups."
    )
    anchor_field = fields.Selection(
        [("departure_date", "Departure / go-live date"), ("commitment_date", "Delivery date")],
        "Anchor Date",
        default="departure_date",
        help="The order's date the steps count from (before or after it).",
    )
    tier_change = fields.Selection(
        [("up", "Upgrades"), ("down", "Downgrades"), ("any", "Any change")],
        "Tier Changes",
        default="up",
    )
    inactivity_days = fields.Integer(
        "Inactive After at Least (days)",
        default=0,
        help="A customer is leaving after twice their expected time between orders without "
        "an order (the rule of Churn Risk and of the health score; Settings). This rule "
        "waits at least this many days (0: that rule alone).",
    )
    target = fields.Selection(
        [("customer", "The customer"), ("document", "The source document")],
        "Activities On",
        required=True,
        default="customer",
        help="Where the rep finds the activity: on the customer (with a link to the order "
        "or opportunity), or on that order or opportunity itself.",
    )
    partner_domain = fields.Char(
        "Customers",
        default="[]",
        help="Only customers matching this filter get new follow-ups (tier, opportunity "
        "level, tags, country...).",
    )
    fallback_user_id = fields.Many2one(
        "res.users",
        "Otherwise Assigned To",
        default=lambda self: self.env.user,
        help="Who does the steps when the customer has no salesperson and the document no user.",
    )
    description = fields.Text(help="Why this rule exists, for the next admin.")
    followup_ids = fields.One2many("retention.followup", "cadence_id", "Follow-ups")
    followup_count = fields.Integer(compute="_compute_followup_count")
    preview_html = fields.Html(
        "Preview", compute="_compute_preview_html", sanitize=False, readonly=True
    )

    @api.depends("title", "name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for cadence in self:
            cadence.display_name = cadence.title or cadence.name

    def _compute_followup_count(self):
        counts = dict(
            self.env["retention.followup"]._read_group(
                [("cadence_id", "in", self.ids)], ["cadence_id"], ["__count"]
            )
        )
        for cadence in self:
            cadence.followup_count = counts.get(cadence, 0)

    @api.onchange("trigger", "target")
    def _onchange_trigger_target(self):
        self.res_model = self._target_model(self.trigger, self.target)

    @api.constrains("trigger", "target", "partner_domain")
    def _check_rule(self):
        for cadence in self:
            if cadence.target == "document" and not cadence._trigger_traits()["on_document"]:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: a “%(trigger)s” trigger has no order or opportunity "
                        "to put activities on: put them on the customer.",
                        rule=cadence.display_name,
                        trigger=cadence._trigger_label(),
                    )
                )
            try:
                domain = ast.literal_eval(cadence.partner_domain or "[]")
                self.env["res.partner"]._search(domain)
            except (ValueError, SyntaxError, TypeError, KeyError) as error:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the customer filter is not valid (%(error)s).",
                        rule=cadence.display_name,
                        error=error,
                    )
                ) from error
        self._check_steps()

    def _check_steps(self):
        """Refuse steps that could never run, or would never end."""
        for cadence in self:
            traits = cadence._trigger_traits()
            for step in cadence.template_ids:
                label = step.summary or step.activity_type_id.name
                before = step.delay_from == "before_plan_date"
                if before and step.delay_count and traits["event"]:
                    raise ValidationError(
                        self.env._(
                            "Rule “%(rule)s”, step “%(step)s”: nothing can happen before "
                            "“%(trigger)s”, which is the anchor date itself: schedule the "
                            "step after it.",
                            rule=cadence.display_name,
                            step=label,
                            trigger=cadence._trigger_label(),
                        )
                    )
                template = {
                    "email_customer": step.retention_mail_template_id,
                    "sms_customer": step.retention_sms_template_id,
                }.get(step.retention_action)
                if template is not None and template.model != cadence.res_model:
                    raise ValidationError(
                        self.env._(
                            "Rule “%(rule)s”, step “%(step)s”: choose a template of the record "
                            "the rule works on (%(model)s).",
                            rule=cadence.display_name,
                            step=label,
                            model=self.env["ir.model"]._get(cadence.res_model).name,
                        )
                    )
                if step.repeat_interval and not before and not traits["lasting"]:
                    raise ValidationError(
                        self.env._(
                            "Rule “%(rule)s”, step “%(step)s” repeats after the anchor date "
                            "with no end: “%(trigger)s” happens once. Repeat a step before "
                            "the anchor date (it stops there), or use a lasting trigger "
                            "(account review, inactivity).",
                            rule=cadence.display_name,
                            step=label,
                            trigger=cadence._trigger_label(),
                        )
                    )

    def _trigger_label(self):
        return dict(self._fields["trigger"]._description_selection(self.env))[self.trigger]

    @api.model
    def _target_model(self, trigger, target):
        if target == "document":
            return self._trigger_traits(trigger)["source"]
        return "res.partner"

    # A rule's plan and steps are written as superuser once the user's rights on
    # the rule are checked: retention admins edit cadence plans, not every
    # activity plan of the database (HR onboarding, CRM...).

    def _check_own_steps(self, vals):
        """The superuser write that follows may only touch this rule's own plan
        and steps, never another activity plan's."""
        own = set(self.sudo().template_ids.ids)
        steps = set()
        moved = False
        for command in vals.get("template_ids", ()):
            if command[0] in (Command.UPDATE, Command.DELETE, Command.UNLINK, Command.LINK):
                steps.add(command[1])
            elif command[0] == Command.SET:
                steps.update(command[2])
            # A new step always goes into the rule's plan; an edited one stays there.
            moved |= command[0] == Command.UPDATE and "plan_id" in (command[2] or {})
        if "plan_id" in vals or moved or steps - own:
            raise AccessError(
                self.env._(
                    "A cadence rule can only change its own steps, not other activity plans."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.browse().check_access("create")
        for vals in vals_list:
            self.browse()._check_own_steps(vals)
            model = self._target_model(
                vals.get("trigger", "sale_confirmed"), vals.get("target", "customer")
            )
            self.browse()._check_rule_values(vals, model)
            vals["res_model"] = model
            self._default_step_responsible(vals)
            self._sync_title(vals, creating=True)
        cadences = super(RetentionCadence, self.sudo()).create(vals_list)
        cadences = cadences.with_env(self.env)
        cadences.check_access("create")
        return cadences

    def write(self, vals):
        self.check_access("write")
        for cadence in self:
            cadence._check_own_steps(vals)
            cadence._check_rule_values(
                vals,
                self._target_model(
                    vals.get("trigger", cadence.trigger), vals.get("target", cadence.target)
                ),
            )
        self._default_step_responsible(vals)
        self._sync_title(vals)
        cadences = self.sudo()
        if {"trigger", "target"} & vals.keys():
            for cadence in cadences:
                super(RetentionCadence, cadence).write(
                    {
                        **vals,
                        "res_model": self._target_model(
                            vals.get("trigger", cadence.trigger),
                            vals.get("target", cadence.target),
                        ),
                    }
                )
            result = True
        else:
            result = super(RetentionCadence, cadences).write(vals)
        self.check_access("write")
        return result

    @api.model
    def _sync_title(self, vals, creating=False):
        """The plan's name is the English (or only) text of the rule's title."""
        follow_english_texts(self.env, vals, (("name", "title"),), creating=creating)

    @api.model
    def _default_step_responsible(self, vals):
        """Nobody launches a cadence by hand: a new step is the salesperson's
        unless it says otherwise ("ask at launch" would mean nobody)."""
        for command in vals.get("template_ids", ()):
            if command[0] == Command.CREATE:
                command[2].setdefault("responsible_type", "retention_salesperson")

    def unlink(self):
        self.check_access("unlink")
        plans = self.sudo().plan_id
        result = super(RetentionCadence, self.sudo()).unlink()
        plans.unlink()
        return result

    def copy(self, default=None):
        # The steps' translations are copied too, which needs rights on plan
        # steps that retention admins only have through the rule.
        self.check_access("create")
        return super(RetentionCadence, self.sudo()).copy(default).with_env(self.env)

    def copy_data(self, default=None):
        default = dict(default or {})
        vals_list = super().copy_data(default=default)
        for cadence, vals in zip(self, vals_list, strict=True):
            vals.setdefault("name", self.env._("%s (copy)", cadence.name))
            vals["title"] = self.env._("%s (copy)", cadence.display_name)
        return vals_list

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_followup"
        )
        action["domain"] = [("cadence_id", "=", self.id)]
        # Every state: an e-mail held back for Monday is the rule's work too.
        action["context"] = {"search_default_group_state": 1}
        return action

    def action_run_now(self):
        """Schedule now rather than at the next run of the scheduled action,
        and say what it did (an action: XML-RPC clients get it too)."""
        self.check_access("write")
        active = self.filtered("active")
        Followup = self.env["retention.followup"].sudo()
        before = Followup.search([("cadence_id", "in", active.ids)], order="id desc", limit=1).id
        if active:
            self.browse()._cron_schedule_followups(cadences=active, commit=False)
        new = Followup.search([("cadence_id", "in", active.ids), ("id", ">", before or 0)])
        labels = dict(Followup._fields["state"]._description_selection(self.env))
        counts = [
            f"{labels[state]}: {len(group)}"
            for state, group in sorted(new.grouped("state").items())
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Scheduled now"),
                "message": ", ".join(counts)
                if counts
                else self.env._("Nothing new to schedule: every step due is in the ledger."),
                "type": "success" if counts else "info",
                "sticky": False,
            },
        }
