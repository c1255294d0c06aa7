from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.translate import html_translate

from .retention_engine import follow_english_texts

DELAY_UNITS = [("days", "days"), ("weeks", "weeks"), ("months", "months")]
# Steps that write to the customer: no rep's activity, so no type to choose
# (Odoo's plan steps need one: the E-mail type is filled in).
MESSAGE_ACTIONS = ("email_customer", "sms_customer", "feedback_request")
MESSAGE_ACTIVITY_TYPE = "mail.mail_activity_data_email"
# Offsets and repetitions, in any unit: ten years of days at most.
MAX_COUNT = 3650


class MailActivityPlanTemplate(models.Model):
    """A step of a cadence rule is a step of its activity plan, with what an
    automatic follow-up needs on top: repetition, working days, and who does it."""

    _inherit = "mail.activity.plan.template"

    responsible_type = fields.Selection(
        selection_add=[
            ("retention_salesperson", "Customer's salesperson"),
            ("retention_document_user", "Document's salesperson"),
        ],
        ondelete={
            "retention_salesperson": "set default",
            "retention_document_user": "set default",
        },
    )
    repeat_interval = fields.Integer(
        "Repeat Every",
        help="0: once. Before the anchor date, the step repeats back to the trigger "
        "(e.g. every week between the booking and the departure) and stops at the anchor "
        "date. After it, the step repeats as long as the trigger holds (reviews, inactivity).",
    )
    repeat_unit = fields.Selection(DELAY_UNITS, "Repeat Unit", default="weeks", required=True)
    retention_action = fields.Selection(
        [
            ("activity", "Schedule the activity"),
            ("feedback_request", "E-mail a feedback request"),
            ("email_customer", "E-mail the customer"),
            ("sms_customer", "Text the customer"),
        ],
        "Cadence Action",
        default="activity",
        required=True,
        help="What the step does: an activity for the rep (shown ahead), or, on the step's "
        "date, an e-mail or a text to the customer (within the weekly limit per customer) "
        "or a feedback request (to customers not asked recently).",
    )
    retention_mail_template_id = fields.Many2one(
        "mail.template",
        "E-mail Template",
        domain="[('model', '=', res_model)]",
        help="The e-mail sent to the customer, rendered on the record the rule works on, in "
        "the customer's language. Only that record's templates are offered: contact "
        "templates when activities go on the customer, order templates (such as the "
        "check-in after the sale) when they go on the source document.",
    )
    retention_sms_template_id = fields.Many2one(
        "sms.template",
        "Text Template",
        domain="[('model', '=', res_model)]",
        help="The text message sent to the customer's mobile.",
    )
    working_days_only = fields.Boolean(
        "Working Days Only",
        help="A date falling on a closed day of the company's working calendar (its "
        "weekend, a public holiday) moves to the next working day; a company without a "
        "calendar works every day.",
    )
    # Odoo's plan steps are not translatable (making them so would turn core
    # columns into jsonb for every plan): cadence steps carry translatable
    # texts of their own, kept equal to Odoo's in English. Each generated
    # activity is written in its assignee's language.
    retention_summary = fields.Char("Step Summary", translate=True)
    retention_note = fields.Html("Step Note", translate=html_translate)
    anchor_side = fields.Selection(
        [("before_plan_date", "Before"), ("after_plan_date", "After")],
        "Before / After the Anchor",
        compute="_compute_anchor_side",
        inverse="_inverse_anchor_side",
        help="Whether the step comes before or after the rule's anchor date (the order's "
        "confirmation, its departure date, the review's due date...).",
    )

    @api.depends("delay_from")
    def _compute_anchor_side(self):
        for template in self:
            template.anchor_side = template.delay_from

    def _inverse_anchor_side(self):
        for template in self:
            template.delay_from = template.anchor_side or "after_plan_date"

    @api.depends("activity_type_id")
    def _compute_responsible_type(self):  # pylint: disable=missing-return
        super()._compute_responsible_type()
        # Nobody launches a cadence by hand: "ask at launch" means the salesperson.
        for template in self:
            if template.responsible_type == "on_demand" and (
                template.plan_id.retention_cadence_ids or self.env.context.get("retention_step")
            ):
                template.responsible_type = "retention_salesperson"

    def action_preview_retention_email(self):
        """Odoo's template preview: the e-mail as a sample customer reads it,
        in the language picked there."""
        self.ensure_one()
        template = self.retention_mail_template_id
        if not template:
            raise ValidationError(self.env._("Choose the step's e-mail template first."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.template.preview",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Preview: %s", template.name),
            "context": {"default_mail_template_id": template.id},
        }

    @api.onchange("retention_action")
    def _onchange_retention_action(self):
        # Hidden for a message step: whatever was there (the To-Do default), E-mail.
        if self.retention_action in MESSAGE_ACTIONS:
            self.activity_type_id = self.env.ref(MESSAGE_ACTIVITY_TYPE, raise_if_not_found=False)

    @api.constrains("delay_count", "repeat_interval")
    def _check_retention_counts(self):
        for template in self:
            if not (
                0 <= template.delay_count <= MAX_COUNT
                and 0 <= template.repeat_interval <= MAX_COUNT
            ):
                raise ValidationError(
                    self.env._(
                        "Step “%(step)s”: intervals cannot be negative, nor over %(max)s "
                        "(offset %(offset)s, repeat every %(repeat)s). Choose “Before” or "
                        "“After” the anchor date instead of a negative number.",
                        max=MAX_COUNT,
                        step=template.summary or template.activity_type_id.name or "-",
                        offset=template.delay_count,
                        repeat=template.repeat_interval,
                    )
                )

    def _check_cadence_rights(self, plans):
        """Odoo lets sales managers edit the activity plans of orders and
        opportunities: those of cadence rules are the rules' own, edited
        through the rule by retention admins (it writes them as superuser)."""
        if plans.sudo().retention_cadence_ids and not (
            self.env.su or self.env.user.has_group("retention_loyalty.group_retention_manager")
        ):
            raise AccessError(
                self.env._("Cadence rules' steps are edited in the rule, by retention admins.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_cadence_rights(
            self.env["mail.activity.plan"].browse(
                [vals["plan_id"] for vals in vals_list if vals.get("plan_id")]
            )
        )
        for vals in vals_list:
            self._check_retention_activity_type(vals, creating=True)
            self._sync_retention_texts(vals, creating=True)
        templates = super().create(vals_list)
        templates.plan_id.retention_cadence_ids._check_steps()
        return templates

    def write(self, vals):
        self._check_cadence_rights(
            self.plan_id | self.env["mail.activity.plan"].browse(vals.get("plan_id") or [])
        )
        self._check_retention_activity_type(vals)
        self._sync_retention_texts(vals)
        result = super().write(vals)
        self.plan_id.retention_cadence_ids._check_steps()
        return result

    def unlink(self):
        self._check_cadence_rights(self.plan_id)
        return super().unlink()

    def _sync_retention_texts(self, vals, creating=False):
        """Odoo's summary and note are the English (or only) texts of the
        step's translatable ones: whichever is written, the other follows.
        A translation written in another language leaves Odoo's as it is."""
        follow_english_texts(
            self.env,
            vals,
            (("summary", "retention_summary"), ("note", "retention_note")),
            creating=creating,
        )

    def _check_retention_activity_type(self, vals, creating=False):
        action = vals.get("retention_action") or (self[:1].retention_action if self else None)
        if (
            action in MESSAGE_ACTIONS
            and not vals.get("activity_type_id")
            and (creating or "activity_type_id" in vals)
        ):
            vals["activity_type_id"] = self.env.ref(MESSAGE_ACTIVITY_TYPE).id
            return
        # Before the NOT NULL constraint, which would only say "a field is missing".
        if "activity_type_id" in vals and not vals["activity_type_id"]:
            raise ValidationError(
                self.env._(
                    "Step “%(step)s” has no activity type: choose what the rep will do "
                    "(call, meeting, to-do...).",
                    step=vals.get("summary") or (self[:1].summary if self else "") or "-",
                )
            )

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        # A cadence plan launched by hand from a record's "Schedule Activity":
        # the same assignment as the cadence engine's.
        if self.responsible_type not in ("retention_salesperson", "retention_document_user"):
            return super()._determine_responsible(on_demand_responsible, applied_on_record)
        record = applied_on_record.sudo()
        engine = self.env["retention.engine"]
        salesperson = engine._customer_of(record).commercial_partner_id.user_id
        document_user = engine._user_of(record)
        responsible = self._retention_responsible(
            salesperson, document_user, on_demand_responsible or self.env.user
        )
        return {"responsible": responsible, "error": False}

    def _retention_responsible(self, salesperson, document_user, fallback):
        """Who does this step for one customer: the salesperson by default."""
        self.ensure_one()
        if self.responsible_type == "other":
            return self.responsible_id
        if self.responsible_type == "retention_document_user":
            return document_user or salesperson or fallback
        return salesperson or document_user or fallback
