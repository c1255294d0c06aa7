"""The scoring side of `make evaluate-health` (run by the evaluation
environment's Python, which has lifetimes; never by Odoo's):

    python tools/evaluate_health.py --dir .state/evaluate_health \
        --out .state/evaluate_health.md CAL_END:HOLD_END...
    python tools/evaluate_health.py --cdnow   # prints the path of CDNOW_master.txt

For each split, reads what tools/evaluate_health_load.py left in DIR
(<cal_end>.tsv: per customer the engine's profile; <cal_end>.json: the run),
checks it against the CDNOW purchases up to the calibration end, and measures
how well each score ranks the customers who buy nothing in the holdout
(cal_end, hold_end]: ROC AUC (rank-based Mann-Whitney, ties half) of the
engine's health score (lower health = leaving), the BG/NBD and Pareto/NBD
probabilities of no purchase in the holdout (fitted with lifetimes on the same
calibration data), the recency, and the current churn rule (days since the
last order / usual days between orders, / 90 for one-time buyers).
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import lifetimes
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from scipy.special import betaln

CDNOW = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
# A one-time buyer's "usual interval" in the churn rule: the churn_days setting.
ONE_TIME_DAYS = 90
# The closed-form BG/NBD P(0) must give lifetimes' P(alive) within this.
CHECK_TOLERANCE = 1e-6
COLUMNS = [
    ("split", "split (calibration end / holdout end)"),
    ("customers", "customers"),
    ("share_none", "share buying nothing"),
    ("health", "health score"),
    ("bgnbd", "BG/NBD P(0)"),
    ("pareto", "Pareto/NBD P(0)"),
    ("recency", "recency"),
    ("churn_rule", "churn rule"),
]


def auc(churn_score, none):
    """P(a customer who buys nothing scores above one who buys), ties half."""
    ranks = pd.Series(churn_score).rank().to_numpy()
    positives = int(none.sum())
    negatives = len(none) - positives
    return (ranks[none == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)


def bgnbd_p0(params, t, x, tx, T):
    """BG/NBD: P(no purchase in (T, T + t] | x, t_x, T), in closed form."""
    r, alpha, a, b = (params[key] for key in ("r", "alpha", "a", "b"))
    alive = betaln(a, b + x)
    dropped = np.where(x > 0, betaln(a + 1, b + np.maximum(x, 1) - 1), -np.inf)
    # Both terms scaled by (alpha + T)^(r + x): the ratio is unchanged, no underflow.
    scale = (r + x) * np.log(alpha + T)

    def term(log_beta, age):
        return np.exp(log_beta - (r + x) * np.log(alpha + age) + scale)

    dead = np.where(x > 0, term(dropped, tx), 0.0)
    return (term(alive, T + t) + dead) / (term(alive, T) + dead)


def read_cdnow():
    purchases = pd.read_csv(
        CDNOW, sep=r"\s+", header=0, names=["customer", "date", "cds", "dollars"]
    )
    purchases["date"] = pd.to_datetime(purchases["date"].astype(str), format="%Y%m%d")
    return purchases


def check_load(purchases, calibration_end, run, profiles):
    """The database holds the calibration purchases, one order per customer
    and day, shifted so that the calibration end is the run's today; the
    engine's profile has each customer's first and last day. Stops otherwise."""
    calibration = purchases[purchases.date <= calibration_end]
    days = calibration.groupby(["customer", "date"]).size().reset_index()
    by_customer = days.groupby("customer").date
    expected = pd.DataFrame(
        {"orders": by_customer.size(), "first": by_customer.min(), "last": by_customer.max()}
    )
    shift = pd.Timedelta(days=run["shift_days"])
    loaded = profiles.set_index("customer")
    problems = []
    if run["profiles"] != len(loaded):
        problems.append(f"{len(loaded) - run['profiles']} customers without a profile")
    if len(loaded) != len(expected) or not loaded.index.sort_values().equals(expected.index):
        problems.append(f"{len(loaded)} customers loaded, {len(expected)} in CDNOW")
    else:
        loaded = loaded.loc[expected.index]
        for column in ("orders", "first", "last"):
            want = expected[column] + (shift if column != "orders" else 0)
            wrong = int((loaded[column] != want).sum())
            if wrong:
                problems.append(f"{wrong} customers with another {column}")
    if problems:
        sys.exit(
            f"split {calibration_end.date()}: the database does not match CDNOW: "
            + "; ".join(problems)
        )


def evaluate(purchases, calibration_end, holdout_end, directory):
    stem = directory / calibration_end.strftime("%Y-%m-%d")
    run = json.loads(Path(f"{stem}.json").read_text())
    profiles = pd.read_csv(f"{stem}.tsv", sep="\t", parse_dates=["first", "last"])
    check_load(purchases, calibration_end, run, profiles)
    today = pd.Timestamp(run["today"])
    # What the database says, in days: age T, repeat days x, t_x, recency.
    T = (today - profiles["first"]).dt.days.to_numpy(float)
    tx = (profiles["last"] - profiles["first"]).dt.days.to_numpy(float)
    x = (profiles["orders"] - 1).to_numpy(float)
    recency = (today - profiles["last"]).dt.days.to_numpy(float)
    holdout = purchases[(purchases.date > calibration_end) & (purchases.date <= holdout_end)]
    none = (~profiles.customer.isin(holdout.customer.unique())).to_numpy(int)
    horizon = (holdout_end - calibration_end).days
    # The churn rule: days since the last order over the engine's usual days
    # between orders (order_interval_days), over 90 days for one-time buyers.
    repeat = (profiles["orders"] > 1).to_numpy()
    interval = np.where(repeat, profiles["interval"], ONE_TIME_DAYS)
    # The same rule on the unrounded interval t_x / x (the engine stores whole days).
    exact = np.where(repeat, tx / np.maximum(x, 1), ONE_TIME_DAYS)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifetimes' and autograd's deprecations
        bg = BetaGeoFitter(penalizer_coef=0.0).fit(x, tx, T)
        alive = np.asarray(bg.conditional_probability_alive(x, tx, T))
        pareto = ParetoNBDFitter(penalizer_coef=0.0).fit(x, tx, T)
        pareto_p0 = np.asarray(
            pareto.conditional_probability_of_n_purchases_up_to_time(0, horizon, x, tx, T)
        )
    bg_p0 = bgnbd_p0(bg.params_, horizon, x, tx, T)
    gap = np.abs(1 - bgnbd_p0(bg.params_, 1e30, x, tx, T) - alive).max()
    if not gap < CHECK_TOLERANCE:
        sys.exit(
            f"split {calibration_end.date()}: BG/NBD P(0) as the holdout grows without end"
            f" is not 1 - lifetimes' P(alive) (max difference {gap:.2e}): the formula is wrong."
        )
    health = profiles["health_score"]
    if run["health_score"] and health.isna().any():
        print(
            f"warning: {int(health.isna().sum())} customers without a health score, left out",
            file=sys.stderr,
        )
    scored = health.notna().to_numpy()
    health_auc = None
    if run["health_score"] and scored.any():
        health_auc = auc(-health[scored].to_numpy(float), none[scored])
    predictions = predictions_scores(
        purchases[purchases.date <= calibration_end],
        holdout,
        profiles,
        models={"bgnbd": bg, "pareto": pareto},
        history=(x, tx, T, horizon),
    )
    result = {
        "predictions": predictions,
        "split": f"{calibration_end.date()} / {holdout_end.date()}",
        "customers": len(profiles),
        "share_none": none.mean(),
        "health": health_auc,
        "health_column": run["health_score"],
        "bgnbd": auc(bg_p0, none),
        "pareto": auc(pareto_p0, none),
        "recency": auc(recency, none),
        "churn_rule": auc(recency / interval, none),
    }
    print(
        f"  {result['split']}: {run['orders']} orders, today {run['today']}"
        f" (shifted {run['shift_days']} days), load {run['load_seconds']} s,"
        f" cron {run['cron_seconds']} s, fits {time.perf_counter() - started:.1f} s,"
        f" BG/NBD check {gap:.1e}, churn rule on the unrounded interval"
        f" {auc(recency / exact, none):.3f}"
    )
    return result


def predictions_scores(calibration, holdout, profiles, *, models, history):
    """The addon's per-customer forecasts for the holdout against BG/NBD and
    Pareto/NBD (counts, P(no purchase)) with Gamma-Gamma (spend), fitted on the
    same calibration purchases: RMSE of purchases and of revenue, Brier score
    and AUC of P(0), and the predicted totals against the actual ones."""
    if profiles["predicted_order_count"].isna().all():
        return None
    x, tx, T, horizon = history
    bg, pareto = models["bgnbd"], models["pareto"]
    none = (~profiles.customer.isin(holdout.customer.unique())).to_numpy(int)
    days = holdout.groupby(["customer", "date"]).dollars.sum().reset_index()
    actual_count = profiles.customer.map(days.groupby("customer").size()).fillna(0).to_numpy(float)
    actual_revenue = (
        profiles.customer.map(days.groupby("customer").dollars.sum()).fillna(0).to_numpy(float)
    )
    calibration = (
        calibration.groupby(["customer", "date"])
        .dollars.sum()
        .reset_index()
        .sort_values(["customer", "date"])
    )
    calibration["n"] = calibration.groupby("customer").cumcount()
    repeat_mean = calibration[calibration.n > 0].groupby("customer").dollars.mean()
    m = profiles.customer.map(repeat_mean).fillna(0).to_numpy(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_rows = (x > 0) & (m > 0)
        gg = GammaGammaFitter(penalizer_coef=0.0).fit(x[fit_rows], m[fit_rows])
        spend = np.asarray(gg.conditional_expected_average_profit(x, np.where(m > 0, m, 0)))
        counts = {
            "addon": profiles["predicted_order_count"].fillna(0).to_numpy(float),
            "bgnbd": np.asarray(
                bg.conditional_expected_number_of_purchases_up_to_time(horizon, x, tx, T)
            ),
            "pareto": np.asarray(
                pareto.conditional_expected_number_of_purchases_up_to_time(horizon, x, tx, T)
            ),
        }
        p0 = {
            "addon": profiles["churn_probability"].fillna(1).to_numpy(float),
            "bgnbd": bgnbd_p0(bg.params_, horizon, x, tx, T),
            "pareto": np.asarray(
                pareto.conditional_probability_of_n_purchases_up_to_time(0, horizon, x, tx, T)
            ),
        }
    revenue = {
        "addon": profiles["predicted_revenue"].fillna(0).to_numpy(float),
        "bgnbd": counts["bgnbd"] * spend,
        "pareto": counts["pareto"] * spend,
    }

    def rmse(predicted, actual):
        return float(np.sqrt(np.mean((predicted - actual) ** 2)))

    return {
        model: {
            "count_rmse": rmse(counts[model], actual_count),
            "revenue_rmse": rmse(revenue[model], actual_revenue),
            "brier": float(np.mean((p0[model] - none) ** 2)),
            "auc": auc(p0[model], none),
            "count_total": float(counts[model].sum()),
            "revenue_total": float(revenue[model].sum()),
        }
        for model in counts
    } | {"actual": {"count_total": actual_count.sum(), "revenue_total": actual_revenue.sum()}}


PREDICTION_COLUMNS = [
    ("count_rmse", "RMSE purchases"),
    ("revenue_rmse", "RMSE revenue ($)"),
    ("brier", "Brier P(0)"),
    ("auc", "AUC P(0)"),
    ("count_total", "purchases predicted"),
    ("revenue_total", "revenue predicted ($)"),
]
MODELS = [
    ("addon", "addon"),
    ("bgnbd", "BG/NBD (+Gamma-Gamma)"),
    ("pareto", "Pareto/NBD (+Gamma-Gamma)"),
]


def predictions_table(results):
    lines = [
        "| split | model | " + " | ".join(title for _, title in PREDICTION_COLUMNS) + " |",
        "|" + "|".join(" --- " for _ in range(len(PREDICTION_COLUMNS) + 2)) + "|",
    ]
    for row in results:
        scores = row["predictions"]
        if not scores:
            continue
        for key, name in MODELS:
            cells = []
            for column, _title in PREDICTION_COLUMNS:
                value = scores[key][column]
                cells.append(f"{value:,.0f}" if "total" in column else f"{value:.3f}")
            lines.append(f"| {row['split']} | {name} | " + " | ".join(cells) + " |")
        actual = scores["actual"]
        lines.append(
            f"| {row['split']} | actual | | | | | {actual['count_total']:,.0f} |"
            f" {actual['revenue_total']:,.0f} |"
        )
    return "\n".join(lines)


def table(results):
    def cell(key, value):
        if key in ("split", "customers"):
            return f"{value:,}" if key == "customers" else value
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "|".join(" --- " for _ in COLUMNS) + "|",
    ]
    for row in results:
        lines.append("| " + " | ".join(cell(key, row[key]) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cdnow", action="store_true", help="print CDNOW's path and stop")
    parser.add_argument("--dir", type=Path, help="the loader's files, one pair per split")
    parser.add_argument("--out", type=Path, help="the markdown table written")
    parser.add_argument("splits", nargs="*", metavar="CAL_END:HOLD_END")
    args = parser.parse_args()
    if args.cdnow:
        print(CDNOW)
        return
    purchases = read_cdnow()
    results = []
    for split in args.splits:
        calibration_end, holdout_end = (pd.Timestamp(day) for day in split.split(":"))
        results.append(evaluate(purchases, calibration_end, holdout_end, args.dir))
    text = table(results)
    forecast = predictions_table(results)
    print()
    print(text)
    print()
    print(forecast)
    if args.out:
        health = ""
        if not any(row["health_column"] for row in results):
            health = " Health score n/a: retention_profile has no health_score column yet."
        args.out.write_text(
            "ROC AUC of each score for the customers who buy nothing in the holdout"
            f" (0.5 = chance, 1 = perfect; `make evaluate-health`).{health}\n\n{text}\n"
            "\nForecasts for the holdout, per customer, against the published models fitted"
            f" on the same calibration purchases:\n\n{forecast}\n"
        )
        print(f"(written to {os.path.relpath(args.out)})")


if __name__ == "__main__":
    main()
