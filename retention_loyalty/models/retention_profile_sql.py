"""The loyalty engine's two statements.

PROFILE_QUERY recomputes the profiles of the commercial partners %(ids)s in
every company they trade with, each company from its own purchases (every
channel of retention.purchase, in its currency at each document's rate), its
own answers and its own tiers (plus the shared ones), and upserts the rows
that changed. It returns, per changed profile: partner, company, old tier,
new tier, old stage, new stage, revenue, orders, tenure, satisfaction, the tier
rule (qualified, kept, stepped, locked), the tier qualified for, the old and new
"tier kept until" and the company's id when it was never cut into key
accounts (else NULL).

KEY_ACCOUNT_QUERY ranks each company's customers by that company's revenue
and stores the cut-off that immediate recomputes compare with."""

from odoo.tools import SQL

from .retention_profile import ENGINE_FIELDS, PROFILE_DEFAULTS

PROFILE_QUERY = """
WITH targets AS (
    -- Commercial partners only, by the callers' contract: "id = commercial_partner_id"
    -- here would make the planner expect 100 rows for 20,000 (nested loops, minutes).
    SELECT id, active FROM res_partner WHERE id = ANY(%(ids)s)
), referees AS (
    SELECT r.id, r.company_id, ref.commercial_partner_id AS referrer_id
      FROM res_partner r JOIN res_partner ref ON ref.id = r.referred_by_id
     WHERE ref.commercial_partner_id IN (SELECT id FROM targets)
       AND r.id = r.commercial_partner_id
), orders AS (
    -- Every purchase, from every channel (retention.purchase): revenue nets the
    -- credits; orders, dates and tenure count the sales only.
    SELECT b.partner_id, b.company_id,
           SUM(b.amount) FILTER (WHERE b.date >= %(start)s) AS revenue,
           COUNT(*) FILTER (WHERE b.is_order AND b.date >= %(start)s) AS order_count,
           SUM(b.amount) FILTER (WHERE b.date >= %(previous_start)s AND b.date < %(start)s)
               AS previous_revenue,
           COUNT(*) FILTER (WHERE b.is_order) AS lifetime_count,
           SUM(b.amount) AS lifetime_revenue,
           MIN(b.date) FILTER (WHERE b.is_order) AS first_date,
           MAX(b.date) FILTER (WHERE b.is_order) AS last_date
      FROM (%(purchases)s) b
  GROUP BY b.partner_id, b.company_id
), answers AS (
    SELECT f.commercial_partner_id AS partner_id, f.company_id, f.score,
           NULLIF(f.effort_score, 0) AS effort, f.date,
           power(0.5, (%(today)s - f.date) / %(half_life)s::float) AS weight,
           f.date >= %(start)s AS in_window,
           bool_or(f.date >= %(start)s) OVER w AS any_in_window,
           row_number() OVER (w ORDER BY f.date DESC, f.id DESC) AS recency
      FROM retention_feedback f
     WHERE f.commercial_partner_id IN (SELECT id FROM targets)
    WINDOW w AS (PARTITION BY f.commercial_partner_id, f.company_id)
), feedback AS (
    -- Answers in the window, recent ones weighing most; else the latest answer.
    SELECT partner_id, company_id,
           SUM(score * weight) / SUM(weight) AS score,
           SUM(effort * weight) / NULLIF(SUM(weight) FILTER (WHERE effort IS NOT NULL), 0)
               AS effort,
           MAX(date) AS last_date
      FROM answers
     WHERE in_window OR (NOT any_in_window AND recency = 1)
  GROUP BY partner_id, company_id
), pairs AS (
    SELECT partner_id, company_id FROM orders WHERE partner_id IN (SELECT id FROM targets)
     UNION
    SELECT partner_id, company_id FROM feedback
     UNION
    SELECT partner_id, company_id FROM retention_profile
     WHERE partner_id IN (SELECT id FROM targets)
     UNION
    -- A referee's purchase in a company makes the referrer count there.
    SELECT r.referrer_id, o.company_id FROM referees r JOIN orders o ON o.partner_id = r.id
), referrals AS (
    -- The referees the company can see, and what they bought from it.
    SELECT r.referrer_id AS partner_id, pr.company_id, COUNT(*) AS referral_count,
           COALESCE(SUM(o.lifetime_revenue), 0) AS referral_revenue,
           bool_or(o.partner_id IS NOT NULL) AS has_buying_referral
      FROM referees r
      JOIN pairs pr ON pr.partner_id = r.referrer_id
                   AND (r.company_id IS NULL OR r.company_id = pr.company_id)
 LEFT JOIN orders o ON o.partner_id = r.id AND o.company_id = pr.company_id
  GROUP BY r.referrer_id, pr.company_id
), profile AS (
    -- Each computed value is named after its profile column; old_<column>
    -- is the value stored before (see COMPUTED_COLUMNS).
    SELECT pr.partner_id, pr.company_id, old.id AS old_id, %(old_values)s,
           COALESCE(o.revenue, 0) AS loyalty_revenue,
           COALESCE(o.order_count, 0) AS loyalty_order_count,
           COALESCE(o.lifetime_revenue, 0) AS lifetime_revenue,
           COALESCE(o.lifetime_count, 0) AS lifetime_order_count,
           COALESCE(o.previous_revenue, 0) AS previous_revenue,
           o.first_date AS first_order_date, o.last_date AS last_order_date,
           s.score AS satisfaction_score, s.effort AS effort_score,
           f.last_date AS last_feedback_date,
           COALESCE(r.referral_count, 0) AS referral_count,
           COALESCE(r.referral_revenue, 0) AS referral_revenue,
           CASE WHEN o.lifetime_count > 1 THEN
               round((o.last_date - o.first_date)::numeric / (o.lifetime_count - 1))::int
           END AS order_interval_days,
           -- Clamped: a date past year 9999 breaks every list that shows it.
           LEAST((COALESCE(old.last_review_date, o.first_date) + make_interval(months =>
               CASE old.opportunity_level WHEN 'high' THEN %(review_high)s
                                          WHEN 'low' THEN %(review_low)s
                                          ELSE %(review_medium)s END))::date,
                 DATE '9999-12-31') AS next_review_date,
           tier.id AS loyalty_tier_id, tier.below_since AS tier_below_since,
           -- The last day the tier is kept: the day after, it goes.
           tier.below_since + %(grace)s - 1 AS tier_kept_until,
           g.rule AS tier_rule, q.id AS qualified_tier_id,
           -- Classified on the score as stored and shown (one decimal).
           %(nps_category)s AS nps_category,
           CASE WHEN old.advocacy_stage_manual THEN old.advocacy_stage
                WHEN s.score IS NULL THEN 'new'
                WHEN s.score < %(customer_min)s THEN 'detractor'
                WHEN s.score < %(promoter_min)s THEN 'customer'
                WHEN old.reference_consent OR r.has_buying_referral THEN 'advocate'
                ELSE 'promoter' END AS advocacy_stage,
           COALESCE(t.active AND o.revenue > 0
                    AND o.revenue >= c.retention_key_account_cutoff, false) AS is_key_account,
           CASE WHEN c.retention_key_account_cutoff IS NULL THEN c.id END AS uncut_company
      FROM pairs pr
      JOIN targets t ON t.id = pr.partner_id
      JOIN res_company c ON c.id = pr.company_id
 LEFT JOIN retention_profile old ON old.partner_id = pr.partner_id
                                AND old.company_id = pr.company_id
 LEFT JOIN orders o ON o.partner_id = pr.partner_id AND o.company_id = pr.company_id
 LEFT JOIN feedback f ON f.partner_id = pr.partner_id AND f.company_id = pr.company_id
 LEFT JOIN referrals r ON r.partner_id = pr.partner_id AND r.company_id = pr.company_id
     CROSS JOIN LATERAL (
         SELECT round(f.score::numeric, 1) AS score, round(f.effort::numeric, 1) AS effort
     ) s
     -- The highest tier whose thresholds the customer meets.
 LEFT JOIN LATERAL (
         SELECT t.id, t.sequence FROM retention_tier t
          WHERE t.active AND (t.company_id IS NULL OR t.company_id = pr.company_id)
            AND COALESCE(o.revenue, 0) >= COALESCE(t.min_revenue, 0)
            AND COALESCE(o.order_count, 0) >= COALESCE(t.min_order_count, 0)
            AND COALESCE(%(today)s - o.first_date, 0) >= COALESCE(t.min_tenure_days, 0)
       ORDER BY t.sequence DESC, t.id DESC LIMIT 1
     ) q ON true
     -- The tier held, if still on the company's ladder.
 LEFT JOIN retention_tier h ON h.id = old.loyalty_tier_id AND h.active
                           AND (h.company_id IS NULL OR h.company_id = pr.company_id)
     -- Below the held tier, it is kept for the grace period from the first
     -- day found below; then the customer moves down one tier, which starts
     -- a grace period of its own unless they meet its thresholds.
     CROSS JOIN LATERAL (
         SELECT CASE
             WHEN old.loyalty_tier_locked THEN 'locked'
             WHEN h.id IS NULL OR %(grace)s = 0
                  OR (q.sequence, q.id) >= (h.sequence, h.id) THEN 'qualified'
             WHEN old.tier_below_since IS NULL
                  OR %(today)s < old.tier_below_since + %(grace)s THEN 'kept'
             ELSE 'stepped' END AS rule
     ) g
 LEFT JOIN LATERAL (
         SELECT t.id FROM retention_tier t
          WHERE g.rule = 'stepped' AND t.active
            AND (t.company_id IS NULL OR t.company_id = pr.company_id)
            AND (t.sequence, t.id) < (h.sequence, h.id)
       ORDER BY t.sequence DESC, t.id DESC LIMIT 1
     ) step ON true
     CROSS JOIN LATERAL (
         SELECT CASE g.rule WHEN 'locked' THEN old.loyalty_tier_id WHEN 'qualified' THEN q.id
                            WHEN 'kept' THEN h.id ELSE step.id END AS id,
                CASE WHEN g.rule = 'kept' THEN COALESCE(old.tier_below_since, %(today)s)
                     WHEN g.rule = 'stepped' AND q.id IS DISTINCT FROM step.id
                          THEN old.tier_below_since + %(grace)s END AS below_since
     ) tier
), changed AS (
    INSERT INTO retention_profile AS cur (
        partner_id, company_id, %(columns)s, %(user_columns)s,
        create_uid, write_uid, create_date, write_date)
    SELECT n.partner_id, n.company_id, %(new_values)s, %(user_defaults)s,
           %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM profile n
     WHERE n.old_id IS NULL OR (%(old_tuple)s) IS DISTINCT FROM (%(new_values)s)
    ON CONFLICT (partner_id, company_id) DO UPDATE SET
        %(update_set)s,
        write_uid = EXCLUDED.write_uid,
        write_date = EXCLUDED.write_date
    RETURNING cur.partner_id, cur.company_id, cur.loyalty_tier_id, cur.advocacy_stage
), customers AS (
    -- A company trading with a partner makes it a customer (Odoo's customer
    -- rank, which the Advocates and Customers menus list), whatever came
    -- first: a purchase, an answer, or a value a user set.
    UPDATE res_partner p SET customer_rank = 1
      FROM profile n
     WHERE p.id = n.partner_id AND COALESCE(p.customer_rank, 0) = 0
)
SELECT c.partner_id, c.company_id, n.old_loyalty_tier_id, c.loyalty_tier_id,
       COALESCE(n.old_advocacy_stage, 'new'), c.advocacy_stage, n.loyalty_revenue,
       n.loyalty_order_count, %(today)s - n.first_order_date, n.satisfaction_score,
       n.tier_rule, n.qualified_tier_id, n.old_tier_kept_until, n.tier_kept_until,
       n.uncut_company
  FROM changed c JOIN profile n ON n.partner_id = c.partner_id AND n.company_id = c.company_id
"""

# The profile columns the engine computes, in the one order every part of the
# upsert uses (insert, compare, update); a new figure is one more name here
# and one more value named after it in the `profile` CTE.
COMPUTED_COLUMNS = [*ENGINE_FIELDS, "loyalty_tier_id", "advocacy_stage"]
# What a user sets, as a new profile starts.
NEW_PROFILE_USER_COLUMNS = [
    "loyalty_tier_locked",
    "advocacy_stage_manual",
    "reference_consent",
    "opportunity_level",
]


def profile_query_parts():
    """The SQL pieces of PROFILE_QUERY built from COMPUTED_COLUMNS."""

    def names(template):
        return SQL(", ").join(
            SQL(template, *[SQL.identifier(column)] * template.count("%s"))
            for column in COMPUTED_COLUMNS
        )

    return {
        "columns": names("%s"),
        "old_values": SQL(", ").join(
            SQL("old.%s AS %s", SQL.identifier(column), SQL.identifier(f"old_{column}"))
            for column in COMPUTED_COLUMNS
        ),
        "new_values": names("n.%s"),
        "old_tuple": SQL(", ").join(
            SQL("n.%s", SQL.identifier(f"old_{column}")) for column in COMPUTED_COLUMNS
        ),
        "update_set": names("%s = EXCLUDED.%s"),
        "user_columns": SQL(", ").join(
            SQL.identifier(column) for column in NEW_PROFILE_USER_COLUMNS
        ),
        "user_defaults": SQL(", ").join(
            SQL("%s", PROFILE_DEFAULTS[column]) for column in NEW_PROFILE_USER_COLUMNS
        ),
    }


KEY_ACCOUNT_QUERY = """
WITH ranked AS (
    SELECT pr.id, pr.company_id, pr.loyalty_revenue,
           row_number() OVER w AS rank, count(*) OVER (PARTITION BY pr.company_id) AS total
      FROM retention_profile pr JOIN res_partner p ON p.id = pr.partner_id
     WHERE p.active AND pr.loyalty_revenue > 0
       AND (%(all)s OR pr.company_id = ANY(%(companies)s))
    WINDOW w AS (PARTITION BY pr.company_id ORDER BY pr.loyalty_revenue DESC, pr.partner_id)
), cutoffs AS (
    -- The revenue of the last customer within the share; ties with it are key
    -- accounts too, as an immediate update would make them.
    SELECT company_id, MIN(loyalty_revenue) AS cutoff FROM ranked
     WHERE rank <= ceil(total * %(share)s / 100.0)
  GROUP BY company_id
), flags AS (
    UPDATE retention_profile pr
       SET is_key_account = COALESCE(p.active AND pr.loyalty_revenue > 0
                                     AND pr.loyalty_revenue >= k.cutoff, false)
      FROM res_partner p, retention_profile pr2 LEFT JOIN cutoffs k ON k.company_id = pr2.company_id
     WHERE pr2.id = pr.id AND p.id = pr.partner_id
       AND (%(all)s OR pr.company_id = ANY(%(companies)s))
       AND pr.is_key_account IS DISTINCT FROM COALESCE(
               p.active AND pr.loyalty_revenue > 0 AND pr.loyalty_revenue >= k.cutoff, false)
)
UPDATE res_company c
   SET retention_key_account_cutoff = (SELECT k.cutoff FROM cutoffs k WHERE k.company_id = c.id)
 WHERE %(all)s OR c.id = ANY(%(companies)s)
"""
