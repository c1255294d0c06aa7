import operator

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .retention_complaint import OPEN_STATES
from .retention_feedback import NPS_CATEGORIES

ADVOCACY_STAGES = [
    ("new", "New"),
    ("detractor", "Detractor"),
    ("customer", "Customer"),
    ("promoter", "Promoter"),
    ("advocate", "Advocate"),
]
OPPORTUNITY_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Behaviour: maintained by the loyalty engine (res_partner_loyalty.py).
    loyalty_tier_id = fields.Many2one(
        # Deleting a tier in use is refused in retention.tier.unlink (with a clear
        # message); `set null` only lets the addon uninstall.
        "retention.tier",
        "Loyalty Tier",
        index=True,
        tracking=True,
        ondelete="set null",
    )
    loyalty_tier_locked = fields.Boolean(
        "Tier Set by Hand", help="Keep this tier: the automatic recompute leaves it alone."
    )
    loyalty_currency_id = fields.Many2one("res.currency", compute="_compute_loyalty_currency_id")
    loyalty_revenue = fields.Monetary(
        "Revenue (window)", currency_field="loyalty_currency_id", readonly=True
    )
    loyalty_order_count = fields.Integer("Orders (window)", readonly=True)
    lifetime_revenue = fields.Monetary(
        "Revenue (all time)", currency_field="loyalty_currency_id", readonly=True
    )
    first_order_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True)
    is_key_account = fields.Boolean(
        "Key Account",
        readonly=True,
        index=True,
        help="Among the top customers by revenue in the window (the 80/20 rule).",
    )
    # Feeling: from retention.feedback.
    feedback_ids = fields.One2many("retention.feedback", "commercial_partner_id", "Feedback")
    feedback_count = fields.Integer(compute="_compute_feedback_count")
    satisfaction_score = fields.Float(
        "Satisfaction", digits=(3, 1), readonly=True, aggregator="avg"
    )
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category", readonly=True, index=True)
    effort_score = fields.Float("Customer Effort", digits=(3, 1), readonly=True, aggregator="avg")
    last_feedback_date = fields.Date(readonly=True)
    # The advocate pipeline.
    advocacy_stage = fields.Selection(
        ADVOCACY_STAGES,
        default="new",
        required=True,
        index=True,
        tracking=True,
        group_expand="_group_expand_advocacy_stage",
    )
    advocacy_stage_manual = fields.Boolean(
        "Stage Set by Hand", help="Moved by a rep: holds until the customer's next feedback."
    )
    reference_consent = fields.Boolean(
        tracking=True, help="Agrees to act as a reference or give a testimonial."
    )
    # Referrals.
    referred_by_id = fields.Many2one(
        "res.partner", "Referred By", index="btree_not_null", tracking=True
    )
    referral_ids = fields.One2many("res.partner", "referred_by_id", "Referrals")
    referral_count = fields.Integer(readonly=True)
    referral_revenue = fields.Monetary(currency_field="loyalty_currency_id", readonly=True)
    opportunity_level = fields.Selection(
        OPPORTUNITY_LEVELS,
        default="medium",
        tracking=True,
        help="How much more the customer could buy: drives how often accounts are reviewed.",
    )
    # Account reviews and follow-ups (the cadence engine).
    last_review_date = fields.Date(tracking=True)
    next_review_date = fields.Date(
        readonly=True,
        index="btree_not_null",
        help="Last review (or first order) plus the review interval of the opportunity "
        "level, set in Settings.",
    )
    review_ids = fields.One2many("retention.account.review", "partner_id", "Account Reviews")
    review_count = fields.Integer(compute="_compute_review_count")
    complaint_ids = fields.One2many("retention.complaint", "commercial_partner_id", "Complaints")
    open_complaint_count = fields.Integer(
        "Open Complaints",
        compute="_compute_open_complaint_count",
        search="_search_open_complaint_count",
    )
    order_interval_days = fields.Integer(
        "Usual Days Between Orders",
        readonly=True,
        help="Average time between the customer's confirmed orders; inactivity is measured "
        "against it.",
    )

    def _compute_loyalty_currency_id(self):
        self.loyalty_currency_id = self.env.company.currency_id

    def _search_open_complaint_count(self, operator, value):
        """Customers (and their contacts) by number of open complaints."""
        if operator not in COMPARE:
            return NotImplemented
        open_complaints = [("state", "in", OPEN_STATES)]
        complaints = self.env["retention.complaint"]
        with_open = complaints._read_group(open_complaints, ["commercial_partner_id"])
        matching = complaints._read_group(
            open_complaints, ["commercial_partner_id"], having=[("__count", operator, value)]
        )
        with_open = {partner.id for (partner,) in with_open}
        matching = {partner.id for (partner,) in matching}
        if COMPARE[operator](0, value):  # customers without open complaint match too
            return [("commercial_partner_id", "not in", list(with_open - matching))]
        return [("commercial_partner_id", "in", list(matching))]

    def _compute_open_complaint_count(self):
        self._count_for_commercial(
            "open_complaint_count",
            "retention.complaint",
            "commercial_partner_id",
            [("state", "in", OPEN_STATES)],
        )

    def _compute_feedback_count(self):
        self._count_for_commercial("feedback_count", "retention.feedback", "commercial_partner_id")

    def _compute_review_count(self):
        self._count_for_commercial("review_count", "retention.account.review", "partner_id")

    def _count_for_commercial(self, count_field, model, partner_field, domain=()):
        """Set `count_field` to the number of `model` records (matching `domain`)
        of each partner's commercial entity (contacts show their company's), in
        one query."""
        counts = dict(
            self.env[model]._read_group(
                [(partner_field, "in", self.commercial_partner_id.ids), *domain],
                [partner_field],
                ["__count"],
            )
        )
        for partner in self:
            partner[count_field] = counts.get(partner.commercial_partner_id, 0)

    @api.depends("country_id", "specific_property_product_pricelist", "loyalty_tier_id")
    @api.depends_context("company", "country_code")
    def _compute_product_pricelist(self):  # pylint: disable=missing-return
        # A tier's pricelist is the customer's benefit, unless a pricelist was
        # chosen for this customer by hand.
        super()._compute_product_pricelist()
        for partner in self:
            pricelist = partner.commercial_partner_id.loyalty_tier_id.pricelist_id
            if (
                pricelist
                and not partner.specific_property_product_pricelist
                and pricelist.company_id in (pricelist.company_id.browse(), self.env.company)
            ):
                partner.property_product_pricelist = pricelist

    @api.model
    def _group_expand_advocacy_stage(self, stages, domain):
        return [key for key, _label in ADVOCACY_STAGES]

    @api.constrains("referred_by_id")
    def _check_referral_cycle(self):
        for partner in self.filtered("referred_by_id"):
            if partner.referred_by_id.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._("%(partner)s cannot refer itself.", partner=partner.display_name)
                )
        if self._has_cycle("referred_by_id"):
            raise ValidationError(
                self.env._(
                    "These referrals form a loop (A referred B who referred A): "
                    "a customer cannot be referred, directly or not, by someone they referred."
                )
            )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "loyalty_tier_id",
            "loyalty_tier_locked",
            "advocacy_stage",
            "advocacy_stage_manual",
            "reference_consent",
            "referred_by_id",
            "opportunity_level",
            "last_review_date",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._check_tier_override_rights(vals)
        partners = super().create(vals_list)
        referred = partners.filtered("referred_by_id")
        if referred:
            (referred | referred.referred_by_id)._loyalty_recompute()
        return partners

    def write(self, vals):
        self._check_tier_override_rights(vals)
        # A stage written through the ORM is a rep's move (the engine writes in SQL);
        # it holds on the commercial entity, whose contacts just mirror it.
        commercial = self.filtered(lambda p: p.commercial_partner_id == p)
        manual_move = "advocacy_stage" in vals and commercial
        if manual_move:
            vals = {**vals, "advocacy_stage_manual": True}
            moved = commercial.filtered(lambda p: p.advocacy_stage != vals["advocacy_stage"])
        old_referrers = self.referred_by_id
        result = super().write(vals)
        if manual_move and moved:
            note = Markup("<p>%s</p>") % self.env._(
                "Moved by hand to %(stage)s: the stage holds until the customer's next feedback.",
                stage=dict(ADVOCACY_STAGES)[vals["advocacy_stage"]],
            )
            moved._message_log_batch({partner.id: note for partner in moved})
        if {"reference_consent", "referred_by_id", "last_review_date", "opportunity_level"} & (
            vals.keys()
        ):
            (self | old_referrers | self.referred_by_id)._loyalty_recompute()
        return result

    def _check_tier_override_rights(self, vals):
        """Tiers are configuration: only retention admins set one by hand on a
        customer. Contacts only mirror their company (Odoo syncs them): allowed."""
        if self:
            changed = any(
                partner.loyalty_tier_id.id
                != vals.get("loyalty_tier_id", partner.loyalty_tier_id.id)
                or partner.loyalty_tier_locked
                != bool(vals.get("loyalty_tier_locked", partner.loyalty_tier_locked))
                for partner in self
                if partner.commercial_partner_id == partner
            )
        else:
            changed = not vals.get("parent_id") and (
                vals.get("loyalty_tier_id") or vals.get("loyalty_tier_locked")
            )
        if changed and not (
            self.env.su or self.env.user.has_group("retention_loyalty.group_retention_manager")
        ):
            raise AccessError(
                self.env._("Only retention administrators can set or lock a loyalty tier by hand.")
            )

    @api.model
    def _retention_customer_of(self, record):
        """The customer a document is about: itself for a partner, else its
        partner_id (none for models without one)."""
        if record._name == "res.partner":
            return record
        return record.partner_id if "partner_id" in record._fields else self.browse()

    @api.model
    def _retention_user_of(self, record):
        """The document's salesperson (its user_id), if it has one."""
        field = record._fields.get("user_id")
        if field and field.comodel_name == "res.users":
            return record.user_id
        return self.env["res.users"]

    def action_log_feedback(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Feedback"),
            "res_model": "retention.feedback",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_view_feedback(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_feedback"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_request_feedback(self):
        """E-mail a feedback request to these customers (not to those asked
        during the quiet period, nor to those without an e-mail)."""
        sent, skipped = self.env["retention.feedback.request"]._send_to(self)
        message = self.env._("Feedback request sent to %(count)s customers.", count=len(sent))
        if skipped:
            message += " " + self.env._(
                "Skipped %(count)s (asked recently, or no e-mail): %(names)s.",
                count=len(skipped),
                names=", ".join(skipped[:5].mapped("display_name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if sent else "warning",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_log_complaint(self):
        self.ensure_one()
        return self.env["retention.complaint"]._action_log({"partner_id": self.id})

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_complaint"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_start_account_review(self):
        self.ensure_one()
        review = self.env["retention.account.review"].create(
            {"partner_id": self.commercial_partner_id.id}
        )
        return review._get_form_action()

    def action_view_account_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_account_review"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_customers"
        )
        action["domain"] = [("referred_by_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_referred_by_id": self.commercial_partner_id.id}
        return action
