"""What keeps a customer's tier, and their membership card: the sentences the
Loyalty tab and My loyalty show while the grace period keeps a tier, and the
card code the till scans (res.partner.barcode, in the customer-barcode
pattern of Odoo's default nomenclature)."""

import re
import secrets
from urllib.parse import quote

from odoo import api, fields, models
from odoo.tools import SQL, format_date, is_html_empty

# The default nomenclature's "Customer Barcodes" rule (point_of_sale): a
# code starting with 042 selects the customer at the till.
CARD_PREFIX = "042"


def ean13(digits12):
    """The 12 digits and their EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return digits12 + str((10 - total % 10) % 10)


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    def _tier_keep_lines(self):
        """["Order $ 1,200.00 more before 14 March to stay Silver", ...]: what
        the customer still misses of their tier's thresholds while the grace
        period keeps it (empty otherwise). Tenure never goes back."""
        self.ensure_one()
        tier, until = self.loyalty_tier_id, self.tier_kept_until
        if not (tier and until):
            return []
        env = self.env
        date = format_date(env, until)
        lines = []
        amount, orders = self._tier_shortfall(tier)
        if amount:
            lines.append(
                env._(
                    "Order %(amount)s more before %(date)s to stay %(tier)s.",
                    amount=amount,
                    date=date,
                    tier=tier.name,
                )
            )
        if orders > 1:
            lines.append(
                env._(
                    "Place %(count)s more orders before %(date)s to stay %(tier)s.",
                    count=orders,
                    date=date,
                    tier=tier.name,
                )
            )
        elif orders == 1:
            lines.append(
                env._(
                    "Place 1 more order before %(date)s to stay %(tier)s.",
                    date=date,
                    tier=tier.name,
                )
            )
        return lines

    @api.model
    def _new_card_codes(self, company, count):
        """`count` card codes no customer has in `company` (where the till
        searches). Random, not derived from anything: a code worked out from
        an id would let anyone print a member's card and buy at their prices."""
        Partner = self.env["res.partner"].sudo().with_company(company)
        Partner = Partner.with_context(active_test=False)
        codes = set()
        while len(codes) < count:
            wanted = {
                ean13(CARD_PREFIX + "".join(secrets.choice("0123456789") for _digit in range(9)))
                for _code in range(count - len(codes))
            }
            taken = set(Partner.search([("barcode", "in", list(wanted))]).mapped("barcode"))
            codes |= wanted - taken
        return list(codes)

    @api.model
    def _give_member_cards(self, pairs=None):
        """A card code for each member (a customer with a tier in a company)
        who has no barcode there: those of `pairs` [(partner, company)] (the
        tier moves of a recompute), or every member (the nightly run). The
        engine gives it, in one statement per company, so that My loyalty
        only reads (a read replica may serve it)."""
        if pairs is not None and not pairs:
            return
        self.flush_model(["loyalty_tier_id"])
        self.env["res.partner"].flush_model(["barcode"])
        among = (
            SQL("TRUE")
            if pairs is None
            else SQL(
                "(pr.partner_id, pr.company_id) IN (SELECT * FROM unnest(%s::int[], %s::int[]))",
                [pair[0] for pair in pairs],
                [pair[1] for pair in pairs],
            )
        )
        self.env.cr.execute(
            SQL(
                """SELECT pr.company_id, array_agg(pr.partner_id)
                     FROM retention_profile pr JOIN res_partner p ON p.id = pr.partner_id
                    WHERE pr.loyalty_tier_id IS NOT NULL AND %s
                      AND COALESCE(p.barcode ->> pr.company_id::text, '') = ''
                 GROUP BY pr.company_id""",
                among,
            )
        )
        given = False
        for company_id, partner_ids in self.env.cr.fetchall():
            company = self.env["res.company"].browse(company_id)
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner p
                          SET barcode = COALESCE(p.barcode, '{}'::jsonb)
                                        || jsonb_build_object(%s::text, v.code)
                         FROM unnest(%s::int[], %s::varchar[]) AS v(id, code)
                        WHERE p.id = v.id""",
                    company_id,
                    partner_ids,
                    self._new_card_codes(company, len(partner_ids)),
                )
            )
            given = True
        if given:
            self.env["res.partner"].invalidate_model(["barcode"])

    @api.model
    def _member_card_code(self, partner, company):
        """The customer's card code in `company`: their barcode there (given by
        the engine with their first tier), else one given now."""
        partner = partner.commercial_partner_id.sudo().with_company(company)
        if not partner.barcode:
            partner.barcode = self._new_card_codes(company, 1)[0]
        return partner.barcode

    def _portal_tier_values(self):
        """The tier part of My loyalty: perks, the next tier's, the grace
        period and the membership card."""
        self.ensure_one()
        tier = self.loyalty_tier_id
        next_tier = self._portal_next_tier()
        return {
            "tier_perks": tier.perks if tier and not is_html_empty(tier.perks) else False,
            "next_tier_perks": next_tier.perks
            if next_tier and not is_html_empty(next_tier.perks)
            else False,
            "kept_until": self.env._(
                "Your %(tier)s tier is kept until %(date)s.",
                tier=tier.name,
                date=format_date(self.env, self.tier_kept_until),
            )
            if tier and self.tier_kept_until
            else False,
            "keep_lines": self._tier_keep_lines(),
            **self._portal_card_values(),
        }

    def _portal_card_values(self):
        """The membership card's code and how to draw it: EAN-13 for the codes
        made here, Code 128 for a barcode set by hand in another form."""
        self.ensure_one()
        code = self.partner_id.sudo().with_company(self.company_id).barcode
        if not self.loyalty_tier_id or not code:
            # No code yet: the engine gives one with the tier (next recompute).
            return {"card_code": False, "card_src": False}
        valid_ean = re.fullmatch(r"\d{13}", code or "") and ean13(code[:12]) == code
        kind = "EAN13" if valid_ean else "Code128"
        return {
            "card_code": code,
            "card_src": f"/report/barcode/{kind}/{quote(code, safe='')}"
            "?width=400&height=100&humanreadable=1",
        }


class ResPartner(models.Model):
    _inherit = "res.partner"

    tier_keep_hint = fields.Char(
        "What Keeps the Tier",
        compute="_compute_tier_keep_hint",
        groups="base.group_user",
        help="While the grace period keeps the tier: what the customer still misses of its "
        "thresholds, in the current company.",
    )

    @api.depends("tier_kept_until")
    @api.depends_context("company")
    def _compute_tier_keep_hint(self):
        kept = self.filtered("tier_kept_until")
        profiles = {
            profile.partner_id: profile
            for profile in self.env["retention.profile"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", kept.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        }
        for partner in self:
            profile = profiles.get(partner.commercial_partner_id.sudo())
            partner.tier_keep_hint = (
                " ".join(profile.with_env(self.env)._tier_keep_lines()) if profile else False
            )

    def _retention_tier_rewards(self):
        """[{name, code, expiration}] of the entry rewards the customer got for
        their current tier, for the welcome e-mail: none here; the loyalty
        rewards addon lists the cards it issued."""
        return []
