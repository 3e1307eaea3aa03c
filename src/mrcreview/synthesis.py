"""Evidence synthesis: confidence intervals and (rule-bound) pooled estimates.

The interval a source states is shown as stated; a proportion with a numerator and a denominator
gets a Wilson score interval; a proportion known only as a percentage gets none and is flagged.
Pooled estimates come from statsmodels.
"""

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from mrcreview.numbers import interval, level_text

MIN_STUDIES_TO_POOL = 3
WILSON_LEVEL = 0.95  # the level of the intervals this book computes; a stated one keeps its own


def wilson_interval(numerator: int, denominator: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval (Newcombe 1998, method 3), in closed form. statsmodels' proportion_confint
    gives the same, but importing it (and scipy) took 2.3 s in every build that answers a page's calls
    and in every chapter that shows an interval (bench/README.md)."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p, n = numerator / denominator, denominator
    centre, spread = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return max((centre - spread) / scale, 0.0), min((centre + spread) / scale, 1.0)


def with_intervals(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add low, high, level and interval_source: 'stated' (at the level the row states), 'Wilson' (at
    WILSON_LEVEL), 'none (percentage only)' for a proportion without numerator and denominator, or
    'none stated' for another estimate without its interval."""
    rows = outcomes.copy()
    low, high, level, source = [], [], [], []
    for _, row in rows.iterrows():
        if pd.notna(row["ci_lower"]) and pd.notna(row["ci_upper"]):
            low.append(row["ci_lower"]), high.append(row["ci_upper"]), source.append("stated")
            level.append(float(row["ci_level"]))
        elif row["unit"] == "proportion" and pd.notna(row["numerator"]) and pd.notna(row["denominator"]):
            a, b = wilson_interval(int(row["numerator"]), int(row["denominator"]), WILSON_LEVEL)
            low.append(a), high.append(b), level.append(WILSON_LEVEL), source.append("Wilson")
        else:
            why = "none (percentage only)" if row["unit"] == "proportion" else "none stated"
            low.append(np.nan), high.append(np.nan), level.append(np.nan), source.append(why)
    rows["low"], rows["high"], rows["level"], rows["interval_source"] = low, high, level, source
    return rows


def interval_with_level(row: pd.Series) -> str:
    """An interval as readers see it, always with its level: a stated one in the source's digits
    ("99% CI 1.3–6.9"), a computed one rounded ("95% CI 14.2%–40.2%"); "not available" without one."""
    if row["interval_source"] == "stated":
        return interval(row) or "not available"
    return f"{level_text(row['level'])} {interval_text(row)}" if pd.notna(row["low"]) else "not available"


def interval_text(row: pd.Series) -> str:
    if pd.isna(row["low"]):
        return "not available"
    if row["unit"] == "proportion":
        return f"{row['low']:.1%}–{row['high']:.1%}"
    return f"{row['low']:.2f}–{row['high']:.2f}"


def pool_logit(rows: pd.DataFrame) -> dict | None:
    """Random-effects (DerSimonian-Laird) pooled proportion on the logit scale, with I² and τ².

    Only for rows from at least three different studies, each with numerator and denominator;
    otherwise None.
    """
    from statsmodels.stats.meta_analysis import combine_effects

    usable = rows.dropna(subset=["numerator", "denominator"])
    if usable["study_id"].nunique() < MIN_STUDIES_TO_POOL or len(usable) != usable["study_id"].nunique():
        return None
    events = usable["numerator"].astype(float).to_numpy()
    others = usable["denominator"].astype(float).to_numpy() - events
    # add 0.5 to both cells only where a study has no events or only events
    correction = np.where((events == 0) | (others == 0), 0.5, 0.0)
    events, others = events + correction, others + correction
    logit = np.log(events / others)
    variance = 1 / events + 1 / others
    result = combine_effects(logit, variance, method_re="dl")
    frame = result.summary_frame()
    estimate, low, high = frame.loc["random effect", ["eff", "ci_low", "ci_upp"]]
    expit = lambda x: float(1 / (1 + np.exp(-x)))  # noqa: E731
    return {
        "estimate": expit(estimate),
        "low": expit(low),
        "high": expit(high),
        "i2": float(result.i2),
        "tau2": float(result.tau2),
        "studies": sorted(usable["short_name"]),
    }
