from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .retention_numbers import check_numbers

THRESHOLDS = ("min_revenue", "min_order_count", "min_tenure_days")


class RetentionTier(models.Model):
    _name = "retention.tier"
    _description = "Loyalty Tier"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Tiers rank from the lowest sequence (entry tier) to the highest."
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leave empty to share the tier between companies.",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", help="Currency of the revenue threshold."
    )
    min_revenue = fields.Monetary(
        "Minimum Revenue",
        default=0.0,
        help="Untaxed confirmed sales in the evaluation window (Settings).",
    )
    min_order_count = fields.Integer(
        "Minimum Orders", default=0, help="Confirmed sale orders in the evaluation window."
    )
    min_tenure_days = fields.Integer(
        "Minimum Tenure (days)", default=0, help="Days since the customer's first confirmed order."
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Pricelist Benefit",
        help="Customers in this tier buy with this pricelist (unless a pricelist "
        "is set on the customer itself). It may only lower prices.",
    )
    perks = fields.Html(
        "Perks for Customers",
        translate=True,
        help="Written to the customer: My loyalty, their membership card and the member "
        "e-mails show it.",
    )
    description = fields.Html(
        "Internal Notes", translate=True, help="For your team: customers never see it."
    )
    profile_ids = fields.One2many("retention.profile", "loyalty_tier_id", string="Customers")
    partner_count = fields.Integer("Customers Count", compute="_compute_partner_count")

    _sql_constraints = [
        (
            "thresholds_positive",
            "CHECK(min_revenue >= 0 AND min_order_count >= 0 AND min_tenure_days >= 0)",
            "Tier thresholds cannot be negative.",
        ),
    ]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for tier in self:
            tier.currency_id = (tier.company_id or self.env.company).currency_id

    def _compute_partner_count(self):
        # Customers (companies and individuals) holding it in the selected companies.
        counts = dict(
            self.env["retention.profile"]._read_group(
                [("loyalty_tier_id", "in", self.ids), ("company_id", "in", self.env.companies.ids)],
                ["loyalty_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    @api.constrains(*THRESHOLDS, "sequence", "company_id", "active")
    def _check_threshold_ladder(self):
        """Each tier must ask at least as much as every tier ranked below it, and
        more on one threshold; otherwise a customer could qualify for a higher
        tier but not a lower one, or two tiers would be the same."""
        if any(tier[name] < 0 for tier in self for name in THRESHOLDS):
            raise ValidationError(self.env._("Tier thresholds cannot be negative."))
        # A shared tier is on every company's ladder: check them all (as
        # superuser: a company's tiers are on its ladder whoever edits).
        companies = {tier.company_id for tier in self}
        if not all(companies):
            companies |= set(self.sudo().search([("company_id", "!=", False)]).company_id)
        tiers = self.sudo().search(
            [("company_id", "in", [*(c.id for c in companies if c), False])],
            order="sequence, id",
        )
        for company in companies:
            ladder = tiers.filtered(lambda t, c=company: not t.company_id or t.company_id == c)
            for lower, higher in pairwise(ladder):
                low = [lower[name] for name in THRESHOLDS]
                high = [higher[name] for name in THRESHOLDS]
                if any(h < v for h, v in zip(high, low)) or high == low:
                    raise ValidationError(
                        self.env._(
                            "Tier “%(higher)s” is ranked above “%(lower)s”: it must ask for "
                            "at least as much revenue, orders and tenure, and more of at "
                            "least one of them.",
                            higher=higher.name,
                            lower=lower.name,
                        )
                    )

    @api.constrains("pricelist_id")
    def _check_pricelist_only_lowers_prices(self):
        for tier in self.filtered("pricelist_id"):
            for rule in tier.pricelist_id.item_ids:
                product = rule.product_id or rule.product_tmpl_id
                raises = (
                    (rule.compute_price == "percentage" and rule.percent_price < 0)
                    or (
                        rule.compute_price == "formula"
                        and (
                            rule.price_discount < 0
                            or rule.price_surcharge > 0
                            or rule.base != "list_price"
                        )
                    )
                    or (
                        rule.compute_price == "fixed"
                        and (not product or rule.fixed_price > product.list_price)
                    )
                )
                if raises:
                    raise ValidationError(
                        self.env._(
                            "Pricelist “%(pricelist)s” can raise prices above the public "
                            "price (rule “%(rule)s”): loyal customers must never pay more "
                            "than strangers.",
                            pricelist=tier.pricelist_id.display_name,
                            rule=rule.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals)
        tiers = super().create(vals_list)
        tiers._enable_pricelists()
        return tiers

    def write(self, vals):
        check_numbers(self, vals)
        result = super().write(vals)
        if vals.get("pricelist_id") or vals.get("active"):
            self._enable_pricelists()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        # Held in any company, whether the user sees it or not.
        used = self.sudo().filtered("profile_ids")
        if used:
            raise UserError(
                self.env._(
                    "Tier “%(tier)s” is still held by %(count)s customers: archive it "
                    "instead, or move them to another tier first.",
                    tier=used[0].name,
                    count=len(used[0].profile_ids),
                )
            )

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retention_loyalty.action_retention_customers"
        )
        action["domain"] = [("loyalty_tier_id", "=", self.id), ("parent_id", "=", False)]
        return action

    def _enable_pricelists(self):
        """A pricelist benefit needs Odoo's pricelist feature: left off, the
        customers' pricelists would not show, and saving Settings would archive
        every pricelist, the tiers' too."""
        if self.filtered(lambda tier: tier.active and tier.pricelist_id):
            self.env.ref("base.group_user").sudo()._apply_group(
                self.env.ref("product.group_product_pricelist").sudo()
            )

    @api.model
    def _pricelist_benefits(self):
        """The active tiers that give a pricelist, in every company."""
        return self.sudo().with_context(active_test=True).search([("pricelist_id", "!=", False)])
