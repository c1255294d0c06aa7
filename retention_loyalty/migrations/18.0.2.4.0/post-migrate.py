"""18.0.2.4.0: no answer is not 0. An open complaint has no resolution time
(it read as resolved in 0 hours), an answer given without an effort score has
none (it read as 0 on a 1-7 scale), and the profiles are rescored: a first-time
buyer is New, not At Risk."""

from odoo import SUPERUSER_ID, api

# The shipped tiers' benefits were written to the rep; My loyalty shows them to
# the customer. Those still as shipped are rewritten (an edited one is kept).
BENEFITS = {
    "tier_bronze": (
        "<p>Every customer with a confirmed order in the window.</p>",
        "<p>Welcome to our loyalty program: thank you for your order.</p>",
    ),
    "tier_silver": (
        "<p>Repeat buyers: courtesy calls all year round.</p>",
        "<p>Your salesperson keeps in touch all year round.</p>",
    ),
    "tier_gold": (
        "<p>Loyal customers for half a year or more: quarterly reviews.</p>",
        "<p>Every quarter, your salesperson reviews your account with you.</p>",
    ),
    "tier_platinum": (
        "<p>The VIP card: best customers for a year or more.</p>",
        "<p>The VIP card: our best service, for our best customers.</p>",
    ),
}


def migrate(cr, version):
    cr.execute(
        """UPDATE retention_complaint SET resolution_hours = NULL, resolved_on_time = NULL
            WHERE state IS DISTINCT FROM 'resolved' OR date_resolved IS NULL"""
    )
    # Effort is answered from 1 to 7: a 0 was "not asked".
    cr.execute("UPDATE retention_feedback SET effort_score = NULL WHERE effort_score = 0")
    cr.execute(
        """UPDATE retention_complaint
              SET effort_score = NULLIF(effort_score, 0), effort_before = NULLIF(effort_before, 0)
            WHERE effort_score = 0 OR effort_before = 0"""
    )
    # As 18.0.2.3.0 did: a customer with a profile is a customer on every menu
    # (a database upgraded before that repair kept some hidden).
    cr.execute(
        """UPDATE res_partner SET customer_rank = 1
            WHERE COALESCE(customer_rank, 0) = 0
              AND id IN (SELECT partner_id FROM retention_profile)"""
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (shipped, benefits) in BENEFITS.items():
        tier = env.ref(f"retention_loyalty.{xmlid}", raise_if_not_found=False)
        if tier and tier.with_context(lang="en_US").description == shipped:
            # Every language: the translations of the new text come with the update.
            cr.execute(
                "UPDATE retention_tier SET description = jsonb_build_object('en_US', %s::text)"
                " WHERE id = %s",
                [benefits, tier.id],
            )
    env.invalidate_all()
    env.ref("retention_loyalty.ir_cron_loyalty_profiles")._trigger()
