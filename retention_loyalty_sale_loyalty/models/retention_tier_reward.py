"""Entry rewards: a card of the tier's coupon or gift-card program for each
customer who enters the tier, issued as the loyalty engine moves them up
(retention_profile.py), once per time they reach it: a customer who drops
and comes back within the grace period gets nothing more."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .retention_referral import _reward_points

SKIPPED_PARAM = "retention_loyalty.tier_reward_skipped"


class RetentionTierReward(models.Model):
    _name = "retention.tier.reward"
    _description = "Tier Entry Reward"
    _order = "date desc, id desc"
    _rec_name = "card_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    tier_id = fields.Many2one(
        "retention.tier", "Tier", required=True, index=True, ondelete="cascade"
    )
    card_id = fields.Many2one("loyalty.card", "Card", ondelete="set null", readonly=True)
    program_id = fields.Many2one(related="card_id.program_id")
    code = fields.Char(related="card_id.code")
    points = fields.Float(related="card_id.points")
    expiration_date = fields.Date(related="card_id.expiration_date")
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.model
    def _issue_for_moves(self, moves, tiers):
        """moves: [(partner, company, old tier id, new tier id, reason)] of the
        engine. Each upgrade issues the reached tier's reward (and the skipped
        tiers' ones if Settings say so), unless the customer already got that
        tier's reward and lost the tier less than a grace period ago."""
        skipped = self.env["ir.config_parameter"].sudo().get_param(SKIPPED_PARAM) == "True"
        due = []  # (partner, company, tier)
        for partner_id, company_id, old_id, new_id, _reason in moves:
            new = tiers.get(new_id)
            if not new:
                continue
            old = tiers.get(old_id)
            low = (old.sequence, old.id) if old else (-1, 0)
            if (new.sequence, new.id) <= low:
                continue
            reached = [new]
            if skipped:
                reached += [
                    tier
                    for tier in tiers.values()
                    if tier.active
                    and tier.company_id.id in (False, company_id)
                    and low < (tier.sequence, tier.id) < (new.sequence, new.id)
                ]
            due += [
                (partner_id, company_id, tier)
                for tier in reached
                if tier.entry_reward_program_id
                and tier.entry_reward_program_id.company_id.id in (False, company_id)
            ]
        if due:
            self._issue(self._not_rewarded_yet(due))

    @api.model
    def _not_rewarded_yet(self, due):
        """The (partner, company, tier) of `due` whose current hold of the tier
        was not rewarded: no reward for it since the customer last left it
        for longer than the grace period (one query)."""
        grace = self.env["retention.engine"]._setting("tier_grace_days")
        today = self.env["retention.engine"]._today()
        self.env.cr.execute(
            SQL(
                """SELECT v.partner_id, v.company_id, v.tier_id
                     FROM unnest(%(partners)s::int[], %(companies)s::int[], %(tiers)s::int[])
                          AS v(partner_id, company_id, tier_id)
                     JOIN retention_tier_reward r
                       ON r.partner_id = v.partner_id AND r.company_id = v.company_id
                      AND r.tier_id = v.tier_id
                    WHERE NOT EXISTS (
                          -- Lost since that reward, and more than a grace period ago.
                          SELECT 1 FROM retention_tier_history h
                            JOIN retention_tier t ON t.id = v.tier_id
                       LEFT JOIN retention_tier n ON n.id = h.new_tier_id
                           WHERE h.partner_id = v.partner_id AND h.company_id = v.company_id
                             AND h.old_tier_id IS NOT NULL AND h.reason != 'kept'
                             AND h.date >= r.date AND h.date < %(cutoff)s
                             AND (n.id IS NULL OR (n.sequence, n.id) < (t.sequence, t.id))
                             AND EXISTS (SELECT 1 FROM retention_tier o
                                          WHERE o.id = h.old_tier_id
                                            AND (o.sequence, o.id) >= (t.sequence, t.id)))""",
                partners=[row[0] for row in due],
                companies=[row[1] for row in due],
                tiers=[row[2].id for row in due],
                cutoff=today - timedelta(days=grace),
            )
        )
        rewarded = set(self.env.cr.fetchall())
        return [row for row in due if (row[0], row[1], row[2].id) not in rewarded]

    @api.model
    def _issue(self, due):
        """One card per (partner, company, tier), created per program in one
        batch; the program's "at creation" communication e-mails it."""
        if not due:
            return
        Card = self.env["loyalty.card"].sudo()
        batches = defaultdict(list)
        for row in due:
            batches[row[1], row[2].entry_reward_program_id].append(row)
        rewards = []
        for (company_id, program), rows in batches.items():
            cards = Card.with_company(company_id).create(
                [
                    {
                        "program_id": program.id,
                        "partner_id": partner_id,
                        "points": tier.entry_reward_points or _reward_points(program),
                    }
                    for partner_id, _company, tier in rows
                ]
            )
            rewards += [
                {
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "tier_id": tier.id,
                    "card_id": card.id,
                }
                for (partner_id, _company, tier), card in zip(rows, cards, strict=True)
            ]
        self.sudo().create(rewards)
