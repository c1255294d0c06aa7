"""The predictions statement: from each profile's purchase history (repeat
purchases x, days from the first to the last t_x, days since the first T) and
its company's fitted BG/NBD parameters (retention_bgnbd.py), over a horizon h:

- alive: P(still a customer) = 1 / (1 + [x > 0] a / (b + x - 1)
  ((alpha + T) / (alpha + t_x))^(r + x)), BG/NBD's closed form;
- churn_probability: P(no purchase in h) = 1 - alive + alive
  ((alpha + T) / (alpha + T + h))^(r + x), exact for BG/NBD;
- predicted_order_count: alive times BG/NBD's expected purchases of a living
  customer, exact (a hypergeometric series that depends on x and T only:
  computed once per distinct pair in Python, retention_bgnbd.expected_growth,
  and joined here as %(growth)s);
- predicted_revenue: the count times the customer's order value drawn towards
  the company's (one order of the company's average more);
- predicted_next_order_date: the last purchase plus 1 / lambda, while the
  customer is more likely alive than gone;
- revenue_at_risk: the window's revenue brought to the horizon, times the
  churn probability: what leaving would take, as likely as it is.

One UPDATE for any number of customers; exponents are capped so that a long
silence reads as gone, never as an overflow or an underflow (PostgreSQL
refuses a float product too small to hold)."""

PREDICTION_QUERY = """
WITH history AS (
    SELECT pr.id, pr.company_id, pr.last_order_date, pr.loyalty_revenue,
           pr.lifetime_revenue, pr.lifetime_order_count,
           GREATEST(pr.lifetime_order_count - 1, 0)::float AS x,
           GREATEST(pr.last_order_date - pr.first_order_date, 0)::float AS t_x,
           GREATEST(%(today)s - pr.first_order_date, 0)::float AS age,
           CASE WHEN f.fitted THEN c.retention_fit_r ELSE %(r)s END AS r,
           CASE WHEN f.fitted THEN c.retention_fit_alpha ELSE %(alpha)s END AS alpha,
           CASE WHEN f.fitted THEN c.retention_fit_a ELSE %(a)s END AS a,
           CASE WHEN f.fitted THEN c.retention_fit_b ELSE %(b)s END AS b,
           NULLIF(c.retention_fit_order_value, 0) AS company_value
      FROM retention_profile pr JOIN res_company c ON c.id = pr.company_id
     -- A company's parameters, once all four are fitted (the ORM stores 0, not NULL).
     CROSS JOIN LATERAL (
         SELECT c.retention_fit_r > 0 AND c.retention_fit_alpha > 0 AND c.retention_fit_a > 0
                AND c.retention_fit_b > 0 AS fitted
     ) f
     WHERE pr.partner_id = ANY(%(ids)s)
), alive AS (
    SELECT h.*,
           CASE WHEN h.lifetime_order_count = 0 THEN NULL
                WHEN h.x = 0 THEN 1.0
                ELSE GREATEST(1.0 / (1.0 + h.a / (h.b + h.x - 1.0) * exp(GREATEST(LEAST(
                    (h.r + h.x) * ln((h.alpha + h.age) / (h.alpha + h.t_x)), 300), -300))),
                    1e-100)
           END AS alive,
           -- Where the series could not be summed: the posterior means'
           -- approximation (1 - e^(-lambda p h)) / p.
           COALESCE(g.value, (1.0 - exp(GREATEST(-(h.r + h.x) / (h.alpha + h.age) * h.a
                                                  / (h.a + h.b + h.x) * %(horizon)s, -300)))
                             / (h.a / (h.a + h.b + h.x))) AS growth,
           (h.r + h.x) / (h.alpha + h.age) AS rate
      FROM history h
 LEFT JOIN unnest(%(growth_companies)s::int[], %(growth_x)s::float[], %(growth_age)s::float[],
                  %(growth_values)s::float[]) g(company_id, x, age, value)
        ON g.company_id = h.company_id AND g.x = h.x AND g.age = h.age
), predicted AS (
    SELECT a.id,
           -- Bounded so that no product underflows (PostgreSQL refuses it).
           CASE WHEN a.growth < 1e-100 THEN 0 ELSE a.alive * a.growth END AS order_count,
           1.0 - a.alive + a.alive * exp(GREATEST((a.r + a.x) * ln(
               (a.alpha + a.age) / (a.alpha + a.age + %(horizon)s)), -300)) AS churn,
           (a.lifetime_revenue + COALESCE(a.company_value, 0))
               / (a.lifetime_order_count + CASE WHEN a.company_value IS NULL THEN 0 ELSE 1 END)
               AS order_value,
           CASE WHEN a.alive >= 0.5 THEN LEAST(a.last_order_date
               + LEAST(round(1.0 / a.rate), 3000000)::int, DATE '9999-12-31') END AS next_date,
           a.loyalty_revenue * %(horizon)s / %(window_days)s AS window_revenue
      FROM alive a
     WHERE a.alive IS NOT NULL
), final AS (
    SELECT pr.id,
           round(p.order_count::numeric, 6) AS predicted_order_count,
           round((p.order_count * GREATEST(p.order_value, 0))::numeric, 2) AS predicted_revenue,
           -- Stored as computed (rounded ones tie, and rank worse); shown rounded.
           round(p.churn::numeric, 6) AS churn_probability,
           p.next_date AS predicted_next_order_date,
           round((GREATEST(p.window_revenue, 0) * p.churn)::numeric, 2) AS revenue_at_risk
      FROM retention_profile pr LEFT JOIN predicted p ON p.id = pr.id
     WHERE pr.id IN (SELECT id FROM history)
)
UPDATE retention_profile pr
   SET predicted_order_count = f.predicted_order_count,
       predicted_revenue = f.predicted_revenue,
       churn_probability = f.churn_probability,
       predicted_next_order_date = f.predicted_next_order_date,
       revenue_at_risk = f.revenue_at_risk
  FROM final f
 WHERE f.id = pr.id
   AND (pr.predicted_order_count, pr.predicted_revenue, pr.churn_probability,
        pr.predicted_next_order_date, pr.revenue_at_risk)
       IS DISTINCT FROM (f.predicted_order_count, f.predicted_revenue, f.churn_probability,
                         f.predicted_next_order_date, f.revenue_at_risk)
"""

# The distinct (company, x, T) of these customers: the expected purchases of a
# living customer are computed once for each.
GROWTH_KEYS_QUERY = """
SELECT DISTINCT company_id, GREATEST(lifetime_order_count - 1, 0)::float,
       GREATEST(%(today)s - first_order_date, 0)::float
  FROM retention_profile
 WHERE partner_id = ANY(%(ids)s) AND lifetime_order_count > 0
"""

# The histories of a sample of each company's customers, grouped, for the fit.
HISTORY_SAMPLE_QUERY = """
SELECT GREATEST(lifetime_order_count - 1, 0), GREATEST(last_order_date - first_order_date, 0),
       GREATEST(%(today)s - first_order_date, 0), COUNT(*)
  FROM (SELECT * FROM retention_profile
         WHERE company_id = %(company)s AND lifetime_order_count > 0
           AND first_order_date <= %(today)s
      ORDER BY hashint4(partner_id) LIMIT %(sample)s) s
 GROUP BY 1, 2, 3
"""
