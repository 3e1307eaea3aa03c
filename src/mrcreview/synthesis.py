"""Evidence synthesis: confidence intervals, forest plots and (rule-bound) pooled estimates.

Intervals come from statsmodels: the interval a source states is shown as stated; a
proportion with a numerator and a denominator gets a Wilson score interval; a proportion
known only as a percentage gets none and is flagged.
"""

import altair as alt
import numpy as np
import pandas as pd

from mrcreview.figures import chart_data, tooltip
from mrcreview.markdown import cite, markdown_table, md_escape
from mrcreview.numbers import format_value, fraction
from mrcreview.register import number_link

MIN_STUDIES_TO_POOL = 3


# statsmodels is imported where it is used: it takes half a second, and every chapter
# imports this module while only the forest plots need it.


def wilson_interval(numerator: int, denominator: int, level: float = 0.95) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(numerator, denominator, alpha=1 - level, method="wilson")
    return float(low), float(min(high, 1.0))


def with_intervals(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add low, high and interval_source: 'stated', 'Wilson', or 'none (percentage only)'."""
    rows = outcomes.copy()
    low, high, source = [], [], []
    for _, row in rows.iterrows():
        if pd.notna(row["ci_lower"]) and pd.notna(row["ci_upper"]):
            low.append(row["ci_lower"]), high.append(row["ci_upper"]), source.append("stated")
        elif row["unit"] == "proportion" and pd.notna(row["numerator"]) and pd.notna(row["denominator"]):
            a, b = wilson_interval(int(row["numerator"]), int(row["denominator"]))
            low.append(a), high.append(b), source.append("Wilson")
        else:
            low.append(np.nan), high.append(np.nan), source.append("none (percentage only)")
    rows["low"], rows["high"], rows["interval_source"] = low, high, source
    return rows


def _interval_text(row: pd.Series) -> str:
    if row["interval_source"] == "none (percentage only)":
        return "not available"
    if row["unit"] == "proportion":
        return f"{row['low']:.1%}–{row['high']:.1%}"
    return f"{row['low']:.2f}–{row['high']:.2f}"


def table_forest(rows: pd.DataFrame) -> str:
    body = []
    for _, row in with_intervals(rows).iterrows():
        body.append(
            [
                md_escape(row["short_name"]),
                md_escape(row["arm"]),
                md_escape(row["timepoint"]) if pd.notna(row["timepoint"]) else "",
                number_link(row["outcome_id"], format_value(row)),
                md_escape(_interval_text(row)),
                md_escape(row["interval_source"]),
                md_escape(fraction(row) or ""),
                cite(row["citation_key"]),
            ]
        )
    header = ["Study", "Arm or group", "Time point", "Estimate", "95% CI", "Interval", "n/N", "Source"]
    return markdown_table(header, body)


def chart_forest(rows: pd.DataFrame, title: str) -> alt.Chart:
    """Estimates with their intervals, one line per reported number; ratios on a log scale."""
    rows = with_intervals(rows).sort_values("outcome_id")
    data = chart_data(rows)
    data["low"], data["high"] = rows["low"].to_numpy(), rows["high"].to_numpy()
    data["interval"] = [_interval_text(r) + f" ({r['interval_source']})" for _, r in rows.iterrows()]
    data["n"] = [fraction(r) or "not reported" for _, r in rows.iterrows()]
    ratio = rows["unit"].iloc[0] != "proportion"
    scale = alt.Scale(type="log") if ratio else alt.Scale(domain=[0, 1])
    axis = alt.Axis(title="Ratio (log scale)" if ratio else "Proportion", format="" if ratio else "%")
    hover = tooltip(
        alt.Tooltip("n:N", title="n/N"),
        alt.Tooltip("shown:N", title="Estimate"),
        alt.Tooltip("interval:N", title="95% CI"),
    )
    label = "arm_detail" if data["outcome"].nunique() == 1 else "detail"
    y = alt.Y(f"{label}:N", title=None, sort=list(dict.fromkeys(data[label])), axis=alt.Axis(labelLimit=380))
    base = alt.Chart(data, title=title).encode(y=y, tooltip=hover)
    bars = base.mark_rule().encode(x=alt.X("low:Q", scale=scale), x2="high:Q")
    points = base.mark_point(filled=True, size=70).encode(x=alt.X("value:Q", scale=scale, axis=axis))
    return (bars + points).properties(width=300)


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
