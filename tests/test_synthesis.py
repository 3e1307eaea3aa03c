"""Intervals and pooled estimates, checked against published and hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

import mrcreview
from helpers import ROOT
from mrcreview.markdown import md_escape
from mrcreview.synthesis import pool_logit, wilson_interval, with_intervals


def test_wilson_interval_matches_newcombes_worked_example():
    # Newcombe RG, Stat Med 1998;17:857-872: 81/263 -> 0.2553 to 0.3662 (score method)
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_a_stated_interval_is_shown_as_stated_not_recomputed():
    # Cercek et al. 2022 report 12/12 complete responses with an exact 95% CI of 74-100%; the Wilson
    # interval of 12/12 would be 75.8-100%, so a recomputed interval would misquote the paper.
    cercek = mrcreview.load_outcomes(root=ROOT).set_index("outcome_id").loc[["cercek-ccr"]].reset_index()
    shown = with_intervals(cercek).iloc[0]
    assert shown["interval_source"] == "stated"
    assert (shown["low"], shown["high"]) == (0.74, 1.0)
    assert round(wilson_interval(12, 12)[0], 3) == 0.758


def rows(**columns):
    base = {
        "ci_lower": np.nan,
        "ci_upper": np.nan,
        "ci_level": np.nan,
        "numerator": pd.NA,
        "denominator": pd.NA,
        "unit": "proportion",
    }
    n = len(next(iter(columns.values())))
    return pd.DataFrame({k: columns.get(k, [v] * n) for k, v in base.items()} | columns)


def test_interval_source_is_stated_wilson_or_none():
    table = rows(
        ci_lower=[0.74, np.nan, np.nan],
        ci_upper=[1.0, np.nan, np.nan],
        ci_level=[0.99, np.nan, np.nan],
        numerator=[12, 48, pd.NA],
        denominator=[12, 151, pd.NA],
    )
    result = with_intervals(table)
    assert list(result["interval_source"]) == ["stated", "Wilson", "none (percentage only)"]
    # the level is the one the row states, or that of the interval computed here
    assert list(result["level"][:2]) == [0.99, 0.95] and math.isnan(result.loc[2, "level"])
    assert result.loc[0, "low"] == 0.74
    assert math.isnan(result.loc[2, "low"])


def dersimonian_laird(events, totals):
    """The textbook computation, written out (not statsmodels)."""
    y = np.log(np.array(events) / (np.array(totals) - np.array(events)))
    v = 1 / np.array(events) + 1 / (np.array(totals) - np.array(events))
    w = 1 / v
    fixed = (w * y).sum() / w.sum()
    q = (w * (y - fixed) ** 2).sum()
    k = len(y)
    tau2 = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    w_star = 1 / (v + tau2)
    mu = (w_star * y).sum() / w_star.sum()
    return 1 / (1 + math.exp(-mu)), tau2, max(0.0, (q - (k - 1)) / q)


def test_pooled_estimate_matches_the_dersimonian_laird_formula():
    events, totals = [10, 30, 12], [40, 60, 80]
    table = pd.DataFrame(
        {"study_id": ["a", "b", "c"], "short_name": ["A", "B", "C"], "numerator": events, "denominator": totals}
    )
    pooled = pool_logit(table)
    estimate, tau2, i2 = dersimonian_laird(events, totals)
    assert pooled["estimate"] == pytest.approx(estimate, abs=1e-9)
    assert pooled["tau2"] == pytest.approx(tau2, abs=1e-9)
    assert pooled["i2"] == pytest.approx(i2, abs=1e-9)
    assert pooled["low"] < pooled["estimate"] < pooled["high"]


def test_no_pooled_estimate_with_fewer_than_three_studies_or_repeated_studies():
    two = pd.DataFrame({"study_id": ["a", "b"], "short_name": ["A", "B"], "numerator": [1, 2], "denominator": [9, 9]})
    assert pool_logit(two) is None
    repeated = pd.DataFrame(
        {"study_id": ["a", "a", "b"], "short_name": ["A", "A", "B"], "numerator": [1, 2, 3], "denominator": [9] * 3}
    )
    assert pool_logit(repeated) is None


def test_a_forest_plot_glues_a_pooled_estimate_only_when_allowed(monkeypatch):
    from mrcreview import chapter

    glued = {}
    monkeypatch.setattr(chapter, "glue", lambda key, value, display: glued.__setitem__(key, value))
    monkeypatch.setattr("mrcreview.figures.static_svg", lambda spec: "<svg/>")
    outcomes = pd.DataFrame(
        {
            "outcome_id": ["a-x", "b-x", "c-x"],
            "study_id": ["a", "b", "c"],
            "short_name": ["A", "B", "C"],
            "arm": ["all"] * 3,
            "outcome": ["response"] * 3,
            "timepoint": [pd.NA] * 3,
            "bound": [pd.NA] * 3,
            "value": [0.25, 0.5, 0.15],
            "value_text": ["0.25", "0.50", "0.15"],
            "numerator": [10, 30, 12],
            "denominator": [40, 60, 80],
            "unit": ["proportion"] * 3,
            "ci_lower": [np.nan] * 3,
            "ci_upper": [np.nan] * 3,
            "ci_lower_text": [pd.NA] * 3,
            "ci_upper_text": [pd.NA] * 3,
            "ci_level": [np.nan] * 3,
            "citation_key": ["k"] * 3,
        }
    )
    texts = {}
    for pool in ("yes", "no"):
        figure = pd.Series(
            {
                "figure_id": "p",
                "chart": "forest",
                "title": "T",
                "bars_by": pd.NA,
                "colour_by": pd.NA,
                "pool": pool,
                "pooling_reason": "Why.",
            }
        )
        monkeypatch.setattr("mrcreview.loading.load_figure", lambda figure_id, figure=figure: (figure, outcomes))
        chapter.glue_figure("p")
        texts[pool] = glued["pool-p"].data
    estimate, _, _ = dersimonian_laird([10, 30, 12], [40, 60, 80])
    assert texts["yes"].startswith("**Exploratory pooled estimate**")
    assert md_escape(f"{estimate:.1%}") in texts["yes"]
    assert texts["no"] == "No pooled estimate. Why\\."
    assert {"fig-p", "tbl-p"} <= set(glued)


@pytest.mark.parametrize("numerator, denominator", [(0, 10), (1, 7), (81, 263), (48, 151), (12, 12), (3, 1000)])
def test_the_closed_form_wilson_interval_is_statsmodels_wilson_interval(numerator, denominator):
    # the formula replaces statsmodels' proportion_confint(method="wilson"): they must agree wherever used
    from statsmodels.stats.proportion import proportion_confint

    expected = proportion_confint(numerator, denominator, alpha=0.05, method="wilson")
    assert wilson_interval(numerator, denominator) == pytest.approx(expected, abs=1e-12)
