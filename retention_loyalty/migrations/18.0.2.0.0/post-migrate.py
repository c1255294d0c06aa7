"""18.0.2.0.0: the loyalty profile moves from columns of res_partner to one
retention.profile per customer and company.

Each customer's old values (what users set and what the engine computed) are
copied into a profile for each company it trades with (its own company, or
the companies that sold to it or heard from it; the first company when
none); the scheduled action then recomputes every profile from that company's orders,
answers and tiers, logging only what really changes. The old columns go."""

from odoo import SUPERUSER_ID

# The columns of 18.0.1.x, frozen here: the models' lists may change later.
COLUMNS = [
    "loyalty_tier_id",
    "loyalty_tier_locked",
    "loyalty_revenue",
    "loyalty_order_count",
    "lifetime_revenue",
    "first_order_date",
    "last_order_date",
    "is_key_account",
    "satisfaction_score",
    "nps_category",
    "effort_score",
    "last_feedback_date",
    "advocacy_stage",
    "advocacy_stage_manual",
    "reference_consent",
    "referral_count",
    "referral_revenue",
    "opportunity_level",
    "last_review_date",
    "next_review_date",
    "order_interval_days",
]


def migrate(cr, version):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = ANY(%s)",
        [COLUMNS],
    )
    present = {row[0] for row in cr.fetchall()}
    if present != set(COLUMNS):
        return
    copied = ", ".join(COLUMNS)
    cr.execute(
        f"""
WITH customers AS (
    SELECT * FROM res_partner WHERE id = commercial_partner_id
), homes AS (
    SELECT id AS partner_id, company_id FROM customers WHERE company_id IS NOT NULL
     UNION
    SELECT buyer.commercial_partner_id, o.company_id
      FROM sale_order o JOIN res_partner buyer ON buyer.id = o.partner_id
     WHERE o.state = 'sale'
     UNION
    SELECT commercial_partner_id, company_id FROM retention_feedback
), kept AS (
    SELECT id FROM customers
     WHERE loyalty_tier_locked OR advocacy_stage_manual OR reference_consent
        OR last_review_date IS NOT NULL OR opportunity_level IS DISTINCT FROM 'medium'
), pairs AS (
    SELECT h.partner_id, h.company_id FROM homes h JOIN customers c ON c.id = h.partner_id
     UNION
    SELECT k.id, (SELECT min(id) FROM res_company) FROM kept k
     WHERE NOT EXISTS (SELECT 1 FROM homes h WHERE h.partner_id = k.id)
)
INSERT INTO retention_profile (partner_id, company_id, {copied},
                               create_uid, write_uid, create_date, write_date)
SELECT pr.partner_id, pr.company_id,
       {", ".join(f"c.{column}" for column in COLUMNS)},
       {SUPERUSER_ID}, {SUPERUSER_ID}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
  FROM pairs pr JOIN customers c ON c.id = pr.partner_id
ON CONFLICT (partner_id, company_id) DO NOTHING
"""
    )
    cr.execute(
        """UPDATE retention_profile SET advocacy_stage = COALESCE(advocacy_stage, 'new'),
                  opportunity_level = COALESCE(opportunity_level, 'medium'),
                  loyalty_tier_locked = COALESCE(loyalty_tier_locked, false),
                  advocacy_stage_manual = COALESCE(advocacy_stage_manual, false),
                  reference_consent = COALESCE(reference_consent, false)
            WHERE advocacy_stage IS NULL OR opportunity_level IS NULL"""
    )
    # A tier move belongs to the company whose profile moved: the customer's.
    cr.execute(
        """UPDATE retention_tier_history h
              SET company_id = COALESCE(p.company_id, (SELECT min(id) FROM res_company))
             FROM res_partner p
            WHERE p.id = h.partner_id AND h.company_id IS NULL"""
    )
    # Trading with a company makes a partner a customer (Odoo's customer rank),
    # which is what the Advocates and Customers menus list.
    cr.execute(
        """UPDATE res_partner SET customer_rank = 1
            WHERE COALESCE(customer_rank, 0) = 0
              AND id IN (SELECT partner_id FROM retention_profile)"""
    )
    # The figures are recomputed by the scheduled action, in committed
    # batches with its progress, which 18.0.2.3.0 asks to run: a migration
    # only moves data (calling today's engine here would run it twice on an
    # upgrade from 1.x, unbatched, with whatever it does at the time).
    for column in COLUMNS:
        cr.execute(f'ALTER TABLE res_partner DROP COLUMN IF EXISTS "{column}"')
