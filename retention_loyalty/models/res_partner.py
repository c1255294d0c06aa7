import operator

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .retention_complaint import OPEN_STATES
from .retention_profile import ADVOCACY_STAGES

# Deeper referral chains are not walked for loops (the report stops at 20).
MAX_REFERRAL_DEPTH = 100
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

    feedback_ids = fields.One2many("retention.feedback", "commercial_partner_id", "Feedback")
    feedback_count = fields.Integer(compute="_compute_feedback_count")
    # Referrals: who referred whom is a fact about the customers, in every company.
    referred_by_id = fields.Many2one(
        "res.partner", "Referred By", index="btree_not_null", tracking=True
    )
    referral_ids = fields.One2many("res.partner", "referred_by_id", "Referrals")
    review_ids = fields.One2many("retention.account.review", "partner_id", "Account Reviews")
    review_count = fields.Integer(compute="_compute_review_count")
    complaint_ids = fields.One2many("retention.complaint", "commercial_partner_id", "Complaints")
    open_complaint_count = fields.Integer(
        "Open Complaints",
        compute="_compute_open_complaint_count",
        search="_search_open_complaint_count",
    )

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
        # Read as superuser: portal and public users' orders take the tier's
        # pricelist too, though they may not read the tier.
        for partner in self:
            pricelist = partner.sudo().commercial_partner_id.loyalty_tier_id.pricelist_id
            if (
                pricelist
                and not partner.specific_property_product_pricelist
                and pricelist.company_id in (pricelist.company_id.browse(), self.env.company)
            ):
                partner.property_product_pricelist = pricelist.id

    @api.constrains("referred_by_id")
    def _check_referral_cycle(self):
        for partner in self.filtered("referred_by_id"):
            if partner.referred_by_id.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._("%(partner)s cannot refer itself.", partner=partner.display_name)
                )
        if self._retention_referral_loop():
            raise ValidationError(
                self.env._(
                    "These referrals form a loop (A referred B who referred A): "
                    "a customer cannot be referred, directly or not, by someone they referred."
                )
            )

    def _retention_referral_loop(self):
        """Whether these partners' customers are referred, directly or not, by
        themselves: walked between commercial entities, whichever of their
        contacts carries the referral (a contact's referral is its company's)."""
        if not self.filtered("referred_by_id"):
            return False  # a loop needs a referral among them
        self.flush_model(["referred_by_id", "commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """WITH RECURSIVE walk(start, node, depth) AS (
                       SELECT c, c, 0 FROM unnest(%s::int[]) c
                        UNION
                       SELECT w.start, ref.commercial_partner_id, w.depth + 1
                         FROM walk w
                         JOIN res_partner p ON p.commercial_partner_id = w.node
                         JOIN res_partner ref ON ref.id = p.referred_by_id
                        WHERE w.depth < %s
                   )
                   SELECT 1 FROM walk WHERE depth > 0 AND node = start LIMIT 1""",
                self.commercial_partner_id.ids,
                MAX_REFERRAL_DEPTH,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "referred_by_id"]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_engine_fields_untouched(vals)
        partners = super().create(vals_list)
        # Only a referral typed on a new customer moves a profile: a contact
        # created under a company (which copies its referral) changes nothing.
        referred = partners.filtered(lambda p: p.referred_by_id and p.commercial_partner_id == p)
        if referred:
            self._retention_referral_typed(referred)
            (referred | referred.referred_by_id)._loyalty_recompute()
        return partners

    def _retention_referral_typed(self, partners):
        """A referral typed by a user makes the user's company trade with the
        referrer: it counts there (as superuser: a referral is no tier)."""
        referrers = partners.referred_by_id.commercial_partner_id
        if referrers:
            self.env["retention.profile"].sudo()._profiles_of(referrers, self.env.company)

    def write(self, vals):
        self._check_engine_fields_untouched(vals)
        moves = "advocacy_stage" in vals and self._retention_stage_moves(vals["advocacy_stage"])
        customers = self.filtered(lambda p: p.commercial_partner_id == p)
        old_referrers = {partner: partner.referred_by_id for partner in customers}
        old_commercial = self.commercial_partner_id
        result = super().write(vals)
        if moves:
            note = self._retention_move_note(vals)
            self.env["retention.profile"]._log_notes(
                [(partner.id, self.env.company.id, note) for partner in moves]
            )
        # What the engine reads of a partner: a customer's referral, and which
        # company a contact belongs to (contacts only mirror their company's).
        touched = self.browse()
        if "referred_by_id" in vals:
            changed = {p: old for p, old in old_referrers.items() if old != p.referred_by_id}
            referred = self.browse().union(*changed)
            self._retention_referral_typed(referred)
            touched |= referred.union(*changed.values()) | referred.referred_by_id
        if {"parent_id", "is_company", "active"} & vals.keys():
            touched |= old_commercial | self.commercial_partner_id
        if touched:
            touched._loyalty_recompute()
        return result

    def _retention_stage_moves(self, stage):
        """The customers a rep moves to another stage (not the contacts that
        only show their company's)."""
        return self.filtered(lambda p: p.commercial_partner_id == p and p.advocacy_stage != stage)

    def _retention_move_note(self, vals):
        return Markup("<p>%s</p>") % self.env._(
            "Moved by hand to %(stage)s: the stage holds until the customer's next feedback.",
            stage=dict(ADVOCACY_STAGES)[vals["advocacy_stage"]],
        )

    # -- the loyalty engine's entry points (the engine: retention_profile_engine.py)

    def _loyalty_recompute(self):
        """Recompute now, in every company, the profiles of these partners'
        commercial entities and of the customers who referred them."""
        self.env["retention.profile"]._recompute_customers(self.commercial_partner_id.ids)

    def _loyalty_release_manual_stage(self, companies):
        """New feedback in these companies ends the stage a rep set by hand there."""
        self.env["retention.profile"]._release_manual_stage(self.ids, companies)

    @api.model
    def _cron_recompute_loyalty_profiles(self):
        """Every profile of every customer: the scheduled action's job, which
        runs on retention.profile (kept here for shells and scripts)."""
        self.env["retention.profile"]._cron_recompute()

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
        message = (
            self.env._("Feedback request sent to 1 customer.")
            if len(sent) == 1
            else self.env._("Feedback request sent to %(count)s customers.", count=len(sent))
        )
        if skipped:
            reasons = self.env["retention.feedback.request"]._skip_reasons(skipped[:5])
            message += " " + " ".join(
                [self.env._("Skipped %(count)s:", count=len(skipped)), *reasons]
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
        """A new review's form, its questions filled in: saved only when the
        rep saves it (leaving it untouched leaves no empty draft behind)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Account Review"),
            "res_model": "retention.account.review",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_view_account_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_account_review"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_purchases(self):
        """The customer's purchases from every channel, as the profile counts them."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_purchase"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        # The breadcrumb shows display_name (Odoo 18): both say whose.
        action["name"] = action["display_name"] = self.env._(
            "Purchases of %(customer)s", customer=self.commercial_partner_id.display_name
        )
        return action

    def action_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_customers"
        )
        action["domain"] = [("referred_by_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_referred_by_id": self.commercial_partner_id.id}
        return action
