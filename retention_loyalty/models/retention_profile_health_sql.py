"""The health statement: it follows the profile statement (same customers, same
batch) and writes each profile's health factors, score and band, and a
history row when the score moved by a point or the band changed.

Each factor is 0-100, or NULL when the customer gives it no data; the score is
the weighted mean of the factors that have data (a missing factor's weight goes
to the others). The purchase factors were measured on the CDNOW panel
(README, "Health measured on CDNOW"): recency against the customer's own
rhythm and frequency, equally weighted, rank who stops buying better than
BG/NBD on four calibration/holdout splits.

It returns, per profile whose band changed (not a first band): partner,
company, old band, new band, old score, new score.

Reads: retention_profile, retention_complaint, retention_followup, res_partner,
retention_tier_history, retention_health_history (and what an added factor
reads). Writes: retention_profile (health columns), retention_health_history.
Another addon adds a factor with `retention.profile._health_factor_sql()`
(README, "Extension points")."""

from odoo.tools import SQL

from .retention_engine import RECENCY_HALF_LIFE

# A customer's rhythm, drawn towards the Settings' "days between orders of a
# new customer" as if they had made this many more orders that far apart: two
# or three orders are too few to trust their average (CDNOW: 0.705 AUC for the
# shrunk rhythm, 0.55 for the raw one).
PRIOR_ORDERS = 2
# The frequency factor goes halfway to 100 with each this many orders in the window.
FREQUENCY_HALF = 2
# A follow-up touch's weight halves every this many days.
TOUCH_HALF_LIFE_DAYS = 180
# Complaints: an open late complaint, an open one within its target, only
# resolved ones but some late, all resolved in time.
COMPLAINT_POINTS = {"late": 0, "open": 50, "resolved_late": 75, "resolved": 100}


def expected_interval_sql(profile, prior_days):
    """SQL: the days a customer is expected between orders: their own rhythm
    drawn towards `prior_days` (see PRIOR_ORDERS). `profile` is an alias of
    retention_profile."""
    return SQL(
        """CASE WHEN %(p)s.lifetime_order_count > 0 THEN
               ((%(p)s.last_order_date - %(p)s.first_order_date)
                + %(orders)s * %(days)s)::float / (%(p)s.lifetime_order_count - 1 + %(orders)s)
           END""",
        p=SQL.identifier(profile),
        orders=PRIOR_ORDERS,
        days=prior_days,
    )


HEALTH_QUERY = """
WITH targets AS (
    SELECT id FROM res_partner WHERE id = ANY(%(ids)s)
), complaints AS (
    SELECT c.commercial_partner_id AS partner_id, c.company_id,
           COUNT(*) FILTER (WHERE c.state IN ('new', 'in_progress')) AS open_count,
           COUNT(*) FILTER (WHERE c.state IN ('new', 'in_progress')
                              AND c.date_deadline < %(now)s) AS late_count,
           COUNT(*) FILTER (WHERE c.state = 'resolved'
                              AND c.date_resolved > c.date_deadline) AS resolved_late
      FROM retention_complaint c
     WHERE c.commercial_partner_id IN (SELECT id FROM targets)
       AND (c.state IN ('new', 'in_progress')
            OR (c.state = 'resolved' AND c.date_reported >= %(start)s))
  GROUP BY c.commercial_partner_id, c.company_id
), followups AS (
    -- Activities the rep had to do: overdue ones, and the touches done in the window.
    SELECT cp.commercial_partner_id AS partner_id, f.company_id,
           COUNT(*) FILTER (WHERE f.state = 'planned') AS overdue,
           MAX(COALESCE(f.date_done, f.date_deadline))
               FILTER (WHERE f.state IN ('done', 'sent')) AS last_touch
      FROM retention_followup f JOIN res_partner cp ON cp.id = f.partner_id
     WHERE cp.commercial_partner_id IN (SELECT id FROM targets)
       AND ((f.state = 'planned' AND f.activity_id IS NOT NULL AND f.date_deadline < %(today)s)
            OR (f.state IN ('done', 'sent') AND f.date_deadline >= %(start)s))
  GROUP BY cp.commercial_partner_id, f.company_id
), tier_moves AS (
    -- The last tier move in the window (a first tier is no move).
    SELECT DISTINCT ON (h.partner_id, h.company_id) h.partner_id, h.company_id, h.is_upgrade
      FROM retention_tier_history h
     WHERE h.partner_id IN (SELECT id FROM targets) AND h.date >= %(start)s
       AND h.old_tier_id IS NOT NULL AND h.reason != 'kept'
  ORDER BY h.partner_id, h.company_id, h.date DESC, h.id DESC
), facts AS (
    SELECT pr.id, pr.partner_id, pr.company_id,
           pr.health_score AS old_score, pr.health_band AS old_band,
           %(expected)s AS expected,
           GREATEST(%(today)s - pr.last_order_date, 0) AS days_since,
           -- A new customer: one order so far, within the usual interval. Their
           -- band is New; the score still counts the one order (CDNOW: a score
           -- without frequency for them ranks who stays 0.548, against 0.687).
           COALESCE(pr.lifetime_order_count = 1
                    AND %(today)s - pr.first_order_date <= %(expected)s, false) AS is_new,
           pr.lifetime_order_count, pr.loyalty_order_count, pr.loyalty_revenue,
           pr.previous_revenue, pr.satisfaction_score, pr.effort_score,
           COALESCE(c.open_count, 0) AS open_complaints,
           COALESCE(c.late_count, 0) AS late_complaints, c.resolved_late,
           c.partner_id IS NOT NULL AS has_complaints,
           COALESCE(fu.overdue, 0) AS overdue_followups, fu.last_touch,
           fu.partner_id IS NOT NULL AS has_followups, tm.is_upgrade,
           tm.partner_id IS NOT NULL AS has_tier_move
      FROM retention_profile pr
 LEFT JOIN complaints c ON c.partner_id = pr.partner_id AND c.company_id = pr.company_id
 LEFT JOIN followups fu ON fu.partner_id = pr.partner_id AND fu.company_id = pr.company_id
 LEFT JOIN tier_moves tm ON tm.partner_id = pr.partner_id AND tm.company_id = pr.company_id
     WHERE pr.partner_id IN (SELECT id FROM targets)
), factors AS MATERIALIZED (
    SELECT f.*, %(factor_columns)s,
           -- A detractor or a late complaint is never Good, whatever they buy
           -- (the "vulnerable regulars" of the seeds).
           (f.satisfaction_score < %(customer_min)s OR f.late_complaints > 0) AS key_poor
      FROM facts f
), scored AS MATERIALIZED (
    SELECT x.*, (%(weighted)s) / NULLIF(%(weights)s, 0) AS raw_score FROM factors x
), final AS (
    SELECT s.*, round(CASE WHEN s.raw_score IS NULL THEN NULL
                           WHEN s.key_poor THEN LEAST(s.raw_score, %(good)s - 1)
                           ELSE s.raw_score END::numeric, 1) AS health_score,
           COALESCE(s.key_poor AND s.raw_score > %(good)s - 1, false) AS health_capped
      FROM scored s
), banded AS (
    SELECT f.*, CASE WHEN f.health_score IS NULL THEN NULL
                     WHEN f.is_new AND NOT COALESCE(f.key_poor, false) THEN 'new'
                     WHEN f.health_score >= %(good)s THEN 'good'
                     WHEN f.health_score < %(poor)s THEN 'poor'
                     ELSE 'at_risk' END AS health_band,
           round(f.expected)::int AS health_expected_interval
      FROM final f
), changed AS (
    UPDATE retention_profile pr
       SET health_score = b.health_score, health_band = b.health_band, %(set_factors)s,
           health_expected_interval = b.health_expected_interval,
           health_open_complaints = b.open_complaints,
           health_late_complaints = b.late_complaints,
           health_overdue_followups = b.overdue_followups,
           health_last_touch_date = b.last_touch, health_capped = b.health_capped
      FROM banded b
     WHERE pr.id = b.id
       AND (pr.health_score, pr.health_band, %(old_factors)s, pr.health_expected_interval,
            pr.health_open_complaints, pr.health_late_complaints,
            pr.health_overdue_followups, pr.health_last_touch_date, pr.health_capped)
           IS DISTINCT FROM
           (b.health_score, b.health_band, %(new_factors)s, b.health_expected_interval,
            b.open_complaints, b.late_complaints, b.overdue_followups, b.last_touch,
            b.health_capped)
 RETURNING pr.id
), last_rows AS (
    -- Each customer's last history row before today, and today's (joined, not
    -- looked up per customer: while the table's statistics still say it is
    -- empty, a lookup is planned as a scan of the whole table per customer).
    SELECT DISTINCT ON (l.partner_id, l.company_id) l.partner_id, l.company_id, l.score, l.band
      FROM retention_health_history l
     WHERE l.partner_id IN (SELECT id FROM targets) AND l.date < %(today)s
  ORDER BY l.partner_id, l.company_id, l.date DESC
), today_rows AS (
    SELECT t.partner_id, t.company_id FROM retention_health_history t
     WHERE t.partner_id IN (SELECT id FROM targets) AND t.date = %(today)s
), history AS (
    -- A row per customer and day at most, when the score moved by a point
    -- since the last row or the band changed.
    INSERT INTO retention_health_history AS h (
        partner_id, company_id, date, score, band, previous_score, previous_band,
        create_uid, write_uid, create_date, write_date)
    SELECT b.partner_id, b.company_id, %(today)s, b.health_score, b.health_band,
           last.score, last.band, %(uid)s, %(uid)s,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM banded b
 LEFT JOIN last_rows last ON last.partner_id = b.partner_id AND last.company_id = b.company_id
 LEFT JOIN today_rows tr ON tr.partner_id = b.partner_id AND tr.company_id = b.company_id
     WHERE b.id IN (SELECT id FROM changed) AND b.health_score IS NOT NULL
       AND (last.score IS NULL OR abs(last.score - b.health_score) >= 1
            OR last.band IS DISTINCT FROM b.health_band
            -- Today's row, once written, follows the score back too: the
            -- triggers read it.
            OR tr.partner_id IS NOT NULL)
    ON CONFLICT (partner_id, company_id, date) DO UPDATE
       SET score = EXCLUDED.score, band = EXCLUDED.band, write_date = EXCLUDED.write_date
)
SELECT b.partner_id, b.company_id, b.old_band, b.health_band, b.old_score, b.health_score
  FROM banded b
 WHERE b.id IN (SELECT id FROM changed)
   AND b.old_band IS NOT NULL AND b.health_band IS NOT NULL
   AND b.old_band <> b.health_band
"""


def core_factor_sql(today):
    """{factor: its SQL}, 0-100 or NULL without data, over `f`, a row of the
    statement's `facts` (a profile: id, partner_id, company_id, its figures,
    complaints and follow-ups)."""
    return {
        "health_recency": SQL(
            "round((100 * power(0.5, f.days_since / (f.expected * %s)))::numeric, 1)",
            RECENCY_HALF_LIFE,
        ),
        "health_frequency": SQL(
            """CASE WHEN f.lifetime_order_count > 0 THEN round((100 * (1 - power(0.5,
                   f.loyalty_order_count / %s::float)))::numeric, 1) END""",
            FREQUENCY_HALF,
        ),
        "health_revenue_trend": SQL(
            """CASE WHEN f.previous_revenue > 0 THEN round((100 * LEAST(
                   f.loyalty_revenue / f.previous_revenue, 1))::numeric, 1) END"""
        ),
        "health_satisfaction": SQL("round((f.satisfaction_score * 10)::numeric, 1)"),
        # Effort is answered from 1 (very hard) to 7 (very easy).
        "health_effort": SQL("round(((f.effort_score - 1) / 6 * 100)::numeric, 1)"),
        "health_complaints": SQL(
            """CASE WHEN f.late_complaints > 0 THEN %s WHEN f.open_complaints > 0 THEN %s
                    WHEN f.resolved_late > 0 THEN %s WHEN f.has_complaints THEN %s END::numeric""",
            COMPLAINT_POINTS["late"],
            COMPLAINT_POINTS["open"],
            COMPLAINT_POINTS["resolved_late"],
            COMPLAINT_POINTS["resolved"],
        ),
        "health_engagement": SQL(
            """CASE WHEN f.has_followups THEN round((100 * power(0.5, f.overdue_followups)
                   * power(0.5, COALESCE(%s - f.last_touch, 0) / %s::float))::numeric, 1) END""",
            today,
            TOUCH_HALF_LIFE_DAYS,
        ),
        "health_tier": SQL(
            """CASE WHEN f.has_tier_move THEN
                   CASE WHEN f.is_upgrade THEN 100 ELSE 0 END END::numeric"""
        ),
    }


def health_query_parts(factor_sql, weights, prior_days):
    """The SQL pieces of HEALTH_QUERY built from the factors ({factor: SQL},
    in order), the weights of the Settings ({factor: weight}) and their days
    between orders of a new customer. The score is the factors' weighted mean
    here, and nowhere else."""

    def factor(name):
        return SQL.identifier(name)

    return {
        "expected": expected_interval_sql("pr", prior_days),
        "factor_columns": SQL(", ").join(
            SQL("%s AS %s", sql, factor(name)) for name, sql in factor_sql.items()
        ),
        "weighted": SQL(" + ").join(
            SQL("COALESCE(%s * x.%s, 0)", weights[name], factor(name)) for name in factor_sql
        ),
        "weights": SQL(" + ").join(
            SQL("CASE WHEN x.%s IS NULL THEN 0 ELSE %s END", factor(name), weights[name])
            for name in factor_sql
        ),
        "set_factors": SQL(", ").join(
            SQL("%s = b.%s", factor(name), factor(name)) for name in factor_sql
        ),
        "old_factors": SQL(", ").join(SQL("pr.%s", factor(name)) for name in factor_sql),
        "new_factors": SQL(", ").join(SQL("b.%s", factor(name)) for name in factor_sql),
    }
