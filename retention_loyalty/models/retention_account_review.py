from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, html2plaintext, is_html_empty

from .retention_feedback import check_future_date
from .retention_profile import OPPORTUNITY_LEVELS


class RetentionAccountReview(models.Model):
    """A review meeting with a customer: how they feel about us, what else they
    need, who else they talk to; it ends with a recommendation and the account's
    new opportunity level, which sets when the next review is due."""

    _name = "retention.account.review"
    _description = "Account Review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        ondelete="cascade",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users", "Reviewed By", default=lambda self: self.env.user, tracking=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    state = fields.Selection(
        [("draft", "In Progress"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
    )
    answer_ids = fields.One2many("retention.account.review.answer", "review_id", "Answers")
    recommendation_kind = fields.Selection(
        [
            ("upsell", "Upsell or new option"),
            ("maintenance", "Maintenance contract"),
            ("usage", "Better use of what they have"),
            ("none", "Nothing for now"),
        ],
        "Recommendation Type",
        tracking=True,
    )
    recommendation = fields.Html()
    opportunity_level = fields.Selection(
        OPPORTUNITY_LEVELS,
        "New Opportunity Level",
        compute="_compute_opportunity_level",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="How much more the customer could buy now: sets when the next review is due.",
    )
    next_review_date = fields.Date(related="partner_id.next_review_date")
    lead_id = fields.Many2one("crm.lead", "Follow-up Opportunity", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.constrains("date")
    def _check_date(self):
        for review in self:
            check_future_date(self.env, review.date, self.env._("The review date"))

    @api.depends("partner_id", "date", "user_id")
    def _compute_name(self):
        # A stored name: in the reviewer's language (else the company's), not
        # in whoever's session happened to save it (a cron writes US dates).
        for review in self:
            lang = review.user_id.lang or review.company_id.partner_id.lang or self.env.lang
            env = self.with_context(lang=lang).env
            review.name = env._(
                "Review of %(customer)s, %(date)s",
                customer=review.partner_id.display_name or "?",
                date=format_date(env, review.date, lang_code=lang) if review.date else "",
            )

    @api.depends("partner_id", "company_id")
    def _compute_opportunity_level(self):
        for review in self:
            customer = review.partner_id.with_company(review.company_id or self.env.company)
            review.opportunity_level = customer.opportunity_level or "medium"

    @api.model
    def default_get(self, fields_list):
        # A new review's form shows the question list before it is saved.
        values = super().default_get(fields_list)
        if "answer_ids" in fields_list and "answer_ids" not in values:
            values["answer_ids"] = self._question_commands()
        return values

    @api.model
    def _question_commands(self):
        questions = self.env["retention.review.question"].search([("active", "=", True)])
        return [
            fields.Command.create(
                {
                    "question_id": question.id,
                    "question": question.name,
                    "area": question.area,
                    "sequence": question.sequence,
                }
            )
            for question in questions
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if partner_id := vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"].browse(partner_id).commercial_partner_id.id
                )
            if "answer_ids" not in vals:
                vals["answer_ids"] = self._question_commands()
        return super().create(vals_list)

    def action_done(self):
        """Close the review: the customer's last review and opportunity level
        change, the next review is scheduled, the review activity is done."""
        for review in self:
            if review.state != "draft":
                raise UserError(
                    self.env._("%(review)s is not in progress.", review=review.display_name)
                )
        for review in self:
            review.partner_id.with_company(review.company_id).write(
                {"last_review_date": review.date, "opportunity_level": review.opportunity_level}
            )
        self.write({"state": "done"})
        followups = (
            self.env["retention.followup"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", [*self.company_id.ids, False]),
                    ("cadence_id.trigger", "=", "review"),
                    ("state", "=", "planned"),
                    ("activity_id", "!=", False),
                ]
            )
        )
        for review in self:
            done = followups.filtered(lambda f, r=review: f.partner_id == r.partner_id)
            # Marked done by this review first: the activity done is not a second review.
            done._mark_activities(done.activity_id, "done")
            done.activity_id.with_env(self.env).action_feedback(
                feedback=Markup("<p>%s</p>") % review._get_html_link(), attachment_ids=None
            )
        # Schedule the next review now rather than at the next cron run.
        self.env.ref("retention_loyalty.ir_cron_cadence")._trigger()
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self.write({"state": "draft"})
        return True

    def action_create_opportunity(self):
        """The review's recommendation becomes an opportunity for the rep."""
        self.ensure_one()
        if self.lead_id:
            return self._open_lead()
        kind = dict(self._fields["recommendation_kind"]._description_selection(self.env)).get(
            self.recommendation_kind
        )
        self.lead_id = self.env["crm.lead"].create(
            {
                "type": "opportunity",
                "name": self.env._(
                    "%(customer)s: %(what)s",
                    customer=self.partner_id.display_name,
                    what=kind or self.env._("follow-up of the account review"),
                ),
                "partner_id": self.partner_id.id,
                "user_id": self.user_id.id or self.partner_id.user_id.id,
                "description": self.recommendation
                if not is_html_empty(self.recommendation)
                else False,
                "company_id": self.company_id.id,
            }
        )
        self.message_post(
            body=self.env._(
                "Follow-up opportunity created: %(lead)s", lead=html2plaintext(self.lead_id.name)
            )
        )
        return self._open_lead()

    def _open_lead(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }

    def _get_form_action(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "name": self.display_name,
        }
