"""The BG/NBD model of repeat buying (Fader, Hardie and Lee, 2005), fitted by
maximum likelihood in plain Python: no numpy or scipy at runtime.

A customer buys at a rate lambda (Gamma(r, alpha) across customers) while
alive, and after each repeat purchase leaves with probability p (Beta(a, b)).
Their history is (x, t_x, T): repeat purchases, days from the first to the
last, days from the first to today. The fit runs on histories grouped with
their counts (customers who share a history count once, weighed), so its
cost follows the number of distinct histories, not of customers; the engine
samples them (retention_profile_prediction.py)."""

import math

# CDNOW's published fit (Fader et al. 2005), in days: what a company reads
# until its own first fit.
DEFAULT_PARAMS = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426}
PARAM_NAMES = ("r", "alpha", "a", "b")
# A fit stops when the simplex's log-likelihoods differ by less than this.
TOLERANCE = 1e-7
MAX_ITERATIONS = 2000
# The hypergeometric series of the expected purchases: summed until a term
# is this small against the sum (at most this many terms).
SERIES_PRECISION = 1e-12
MAX_SERIES_TERMS = 5000
# The fit searches log-parameters within +/- this.
LOG_BOUND = 10
# a within this of 1 is moved by it (the expectation divides by a - 1).
A_NEAR_ONE = 1e-6


def log_likelihood(params, histories):
    """Sum over (x, t_x, T, count) of count * log L(x, t_x, T | r, alpha, a, b)."""
    r, alpha, a, b = (params[name] for name in PARAM_NAMES)
    max_x = max(history[0] for history in histories)
    # ln(Gamma(r + x) / Gamma(r)) and ln(B(a, b + x) / B(a, b)) for each x, as
    # running sums: x is an integer.
    gamma_ratio, beta_ratio = [0.0], [0.0]
    for k in range(max_x):
        gamma_ratio.append(gamma_ratio[-1] + math.log(r + k))
        beta_ratio.append(beta_ratio[-1] + math.log((b + k) / (a + b + k)))
    total = 0.0
    r_log_alpha = r * math.log(alpha)
    for x, t_x, age, count in histories:
        alive = beta_ratio[x] + r_log_alpha - (r + x) * math.log(alpha + age)
        if x:
            gone = (
                math.log(a / (b + x - 1))
                + beta_ratio[x]
                + r_log_alpha
                - (r + x) * math.log(alpha + t_x)
            )
            high = max(alive, gone)
            alive = high + math.log(math.exp(alive - high) + math.exp(gone - high))
        total += count * (gamma_ratio[x] + alive)
    return total


def fit(histories, start=None):
    """The parameters of greatest likelihood, by Nelder-Mead on their logs
    (they are positive), or None when no finite fit exists.
    `histories`: [(x, t_x, T, count)]."""
    start = start or DEFAULT_PARAMS

    def cost(point):
        # Within e^-10 to e^10: a history that cannot tell (everyone bought
        # once) sends the parameters to their limits, not to infinity.
        if any(abs(value) > LOG_BOUND for value in point):
            return math.inf
        params = dict(zip(PARAM_NAMES, (math.exp(value) for value in point), strict=True))
        try:
            return -log_likelihood(params, histories)
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.inf

    best = nelder_mead(cost, [math.log(start[name]) for name in PARAM_NAMES])
    # Once more from the best point: a simplex may settle on a slope.
    best = nelder_mead(cost, best, step=0.1)
    if not math.isfinite(cost(best)):
        return None
    return dict(zip(PARAM_NAMES, (math.exp(value) for value in best), strict=True))


def nelder_mead(cost, start, step=0.5):
    """Minimise `cost` from `start` (the textbook coefficients)."""
    size = len(start)
    simplex = [list(start)]
    for index in range(size):
        point = list(start)
        point[index] += step
        simplex.append(point)
    values = [cost(point) for point in simplex]
    for _iteration in range(MAX_ITERATIONS):
        order = sorted(range(size + 1), key=values.__getitem__)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        if abs(values[-1] - values[0]) < TOLERANCE * (1 + abs(values[0])):
            break
        centre = [sum(point[i] for point in simplex[:-1]) / size for i in range(size)]

        def towards(coefficient, centre=centre, worst=simplex[-1]):
            return [c + coefficient * (w - c) for c, w in zip(centre, worst, strict=True)]

        reflected = towards(-1.0)
        value = cost(reflected)
        if value < values[0]:
            expanded = towards(-2.0)
            expanded_value = cost(expanded)
            simplex[-1], values[-1] = (
                (expanded, expanded_value) if expanded_value < value else (reflected, value)
            )
        elif value < values[-2]:
            simplex[-1], values[-1] = reflected, value
        else:
            contracted = towards(0.5)
            contracted_value = cost(contracted)
            if contracted_value < values[-1]:
                simplex[-1], values[-1] = contracted, contracted_value
            else:
                best = simplex[0]
                simplex = [best] + [
                    [b + 0.5 * (p - b) for b, p in zip(best, point, strict=True)]
                    for point in simplex[1:]
                ]
                values = [values[0]] + [cost(point) for point in simplex[1:]]
    return simplex[min(range(size + 1), key=values.__getitem__)]


def expected_growth(params, x, age, horizon):
    """E[purchases in the next `horizon` days | alive, x, T = age]: BG/NBD's
    conditional expectation divided by P(alive) (Fader et al. 2005, eq. 10).
    It depends on (x, T) only, so the engine computes it once per distinct
    pair and company, not per customer. The Gaussian hypergeometric series
    converges as z = h / (alpha + T + h) < 1; its terms are summed until they
    no longer count. None when it cannot be computed (the statement then uses
    the posterior means' approximation)."""
    r, alpha, a, b = (params[name] for name in PARAM_NAMES)
    if abs(a - 1) < A_NEAR_ONE:  # the closed form divides by a - 1
        a += A_NEAR_ONE
    z = horizon / (alpha + age + horizon)
    first, second, third = r + x, b + x, a + b + x - 1
    term = total = 1.0
    for k in range(MAX_SERIES_TERMS):
        term *= (first + k) * (second + k) / ((third + k) * (k + 1)) * z
        total += term
        if term < SERIES_PRECISION * total:
            break
    else:
        return None  # no convergence (z near 1 with extreme parameters)
    ratio = ((alpha + age) / (alpha + age + horizon)) ** (r + x)
    growth = (a + b + x - 1) / (a - 1) * (1 - ratio * total)
    return growth if math.isfinite(growth) and growth >= 0 else None
