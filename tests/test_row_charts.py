"""The charts' specifications, from a small fixture whose expected values are worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from mrcreview.row_charts import LABEL_CHARS, chart_rows, chart_rows_figure


def outcomes(*rows: dict) -> pd.DataFrame:
    """Outcome rows as loading.load_outcomes gives them, with only what each test sets."""
    blank = {
        "timepoint": pd.NA,
        "bound": pd.NA,
        "numerator": pd.NA,
        "denominator": pd.NA,
        "unit": "proportion",
        "ci_lower": np.nan,
        "ci_upper": np.nan,
        "ci_lower_text": pd.NA,
        "ci_upper_text": pd.NA,
        "ci_level": np.nan,
        "citation_key": "key2020",
    }
    return pd.DataFrame([blank | row | {"value_text": str(row["value"])} for row in rows])


PREFERENCES = outcomes(
    {
        "outcome_id": "k-os",
        "study_id": "k",
        "short_name": "Preferences",
        "arm": "patients",
        "outcome": "fall in survival",
        "value": 0.20,
        "bound": "about",
    },  # noqa: E501
    {
        "outcome_id": "k-regrowth",
        "study_id": "k",
        "short_name": "Preferences",
        "arm": "patients",
        "outcome": "regrowth",
        "value": 0.20,
        "bound": "about",
    },  # noqa: E501
)
LONG_ARM = "short-course radiotherapy then consolidation chemotherapy, survivors without a stoma"
FOREST = outcomes(
    # Newcombe (Stat Med 1998) worked example: 81/263, Wilson interval 25.53% to 36.62%
    {
        "outcome_id": "a-wilson",
        "study_id": "a",
        "short_name": "Trial A",
        "arm": LONG_ARM,
        "outcome": "major LARS",
        "timepoint": "24 months",
        "value": 0.308,
        "numerator": 81,
        "denominator": 263,
    },  # noqa: E501
    {
        "outcome_id": "b-bound",
        "study_id": "b",
        "short_name": "Review B",
        "arm": "men",
        "outcome": "erectile dysfunction",
        "value": 0.60,
        "bound": "more than",
    },  # noqa: E501
)
RATIOS = outcomes(
    {
        "outcome_id": "m-os",
        "study_id": "m",
        "short_name": "Meta M",
        "arm": "ctDNA positive vs negative",
        "outcome": "overall survival",
        "value": 3.03,
        "unit": "hazard_ratio",
        "ci_lower": 1.86,
        "ci_upper": 4.95,
        "ci_lower_text": "1.86",
        "ci_upper_text": "4.95",
        "ci_level": 0.95,
    },  # noqa: E501
)


def layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def layer_data(chart, layer: dict) -> list[dict]:
    """The rows a layer draws: its own values, or the chart's named dataset."""
    spec = chart.to_dict()
    return spec["datasets"][layer["data"]["name"]] if "name" in layer.get("data", {}) else layer["data"]["values"]


def test_each_row_is_labelled_in_full_wrapped_between_words():
    rows, _ = chart_rows(FOREST)
    lines = rows.loc[0, "label"].split("\n")
    assert " ".join(lines) == f"Trial A: {LONG_ARM} major LARS, 24 months"
    assert all(len(line) <= LABEL_CHARS for line in lines)
    # the arm wraps at the last space before the 44th character, time point and all
    assert lines == [
        "Trial A: short-course radiotherapy then",
        "consolidation chemotherapy, survivors",
        "without a stoma",
        "major LARS, 24 months",
    ]


def test_rows_never_share_a_place_so_bars_never_stack():
    chart = chart_rows_figure(PREFERENCES, "Risk accepted", forest=False)
    bars = next(layer for layer in layers(chart) if layer["mark"]["type"] == "rect" and "x2" in layer["encoding"])
    drawn = layer_data(chart, bars)
    # two results of 20% each: two bars from 0 to 20% on lines of their own, not one bar to 40%
    assert [x for row in drawn for x in (row["value"], row["bar_top"], row["bar_bottom"])] == pytest.approx(
        [
            0.20,
            3.6,
            4.4,  # headings 1.4 lines, 2 label lines, the mark 0.6 below: mid 4.0, ± 0.4
            0.20,
            7.5,
            8.3,  # the first row ends 1.3 lines after its mark (5.3), 2 label lines, 0.6: 7.9
        ]
    )
    assert bars["encoding"]["x"]["field"] == "zero" and bars["encoding"]["x2"]["field"] == "value"
    assert "stack" not in str(chart.to_dict())


def test_estimates_and_n_are_printed_beside_the_plot():
    chart = chart_rows_figure(FOREST, "LARS", forest=True)
    printed = {
        layer["encoding"]["text"]["field"]: [
            row[layer["encoding"]["text"]["field"]] for row in layer_data(chart, layer)
        ]
        for layer in layers(chart)
        if layer["mark"]["type"] == "text" and "text" in layer.get("encoding", {})
    }
    assert printed["estimate"] == ["30.8% (25.5–36.6%)", "more than 60%"]
    assert printed["n"] == ["81/263", ""]
    headings = {layer["mark"].get("text") for layer in layers(chart)}
    assert {"Estimate (95% CI)", "n/N"} <= headings


def test_a_bound_is_drawn_as_an_open_arrowhead_and_a_dashed_line_not_a_point():
    chart = chart_rows_figure(FOREST, "LARS", forest=True)
    points = [layer for layer in layers(chart) if layer["mark"]["type"] == "point"]
    estimate = next(layer for layer in points if layer["mark"]["filled"])
    assert "more than" in estimate["transform"][0]["filter"]  # the bounded row has no filled point
    arrowhead = next(layer for layer in points if not layer["mark"]["filled"])
    assert [(row["value"], row["shape"], row["end"]) for row in layer_data(chart, arrowhead)] == [
        (0.60, "triangle-right", 1.0)  # more than 60%: pointing right, dashed to 100%
    ]
    dashed = [layer for layer in layers(chart) if layer["mark"]["type"] == "rule" and "x2" in layer["encoding"]]
    assert any(layer["encoding"]["x2"]["field"] == "end" for layer in dashed)


def test_ratios_have_a_line_at_one_on_a_log_scale_and_proportions_none():
    ratios = chart_rows_figure(RATIOS, "ctDNA", forest=True)
    null = [layer for layer in layers(ratios) if layer.get("transform") == [{"calculate": "1", "as": "one"}]]
    assert len(null) == 1 and null[0]["mark"]["type"] == "rule"
    assert null[0]["encoding"]["x"]["scale"]["type"] == "log"
    # the estimate keeps the source's digits: HR 3.03 with its stated interval
    texts = [layer for layer in layers(ratios) if layer.get("encoding", {}).get("text", {}).get("field") == "estimate"]
    assert layer_data(ratios, texts[0])[0]["estimate"] == "HR 3.03 (1.86–4.95)"
    proportions = chart_rows_figure(FOREST, "LARS", forest=True)
    assert not [layer for layer in layers(proportions) if layer.get("transform") == [{"calculate": "1", "as": "one"}]]


def test_details_on_tap_or_hover_name_the_study_not_its_key():
    chart = chart_rows_figure(FOREST, "LARS", forest=True)
    target = layers(chart)[-1]
    titles = [t["title"] for t in target["encoding"]["tooltip"]]
    assert titles == ["Study", "Arm or group", "Outcome", "Time point", "Estimate", "Confidence interval", "n/N"]
    assert "key2020" not in str(chart.to_dict())


# The Dutch TME trial's odds ratio of major LARS, 3.0 with a 99% interval of 1.3 to 6.9 (Chen et al. 2015)
ODDS_99 = outcomes(
    {
        "outcome_id": "c-or",
        "study_id": "c",
        "short_name": "Trial C",
        "arm": "radiotherapy vs none",
        "outcome": "major LARS",
        "value": 3.0,
        "unit": "odds_ratio",
        "ci_lower": 1.3,
        "ci_upper": 6.9,
        "ci_lower_text": "1.3",
        "ci_upper_text": "6.9",
        "ci_level": 0.99,
    },
)


def printed_estimates(chart) -> tuple[str, list[str]]:
    """The printed estimates' heading and each row's printed estimate."""
    text = next(
        layer for layer in layers(chart) if layer.get("encoding", {}).get("text", {}).get("field") == "estimate"
    )
    heading = next(
        layer["mark"]["text"] for layer in layers(chart) if str(layer["mark"].get("text", "")).startswith("Estimate")
    )
    return heading, [row["estimate"] for row in layer_data(chart, text)]


def test_an_intervals_level_is_the_one_its_row_states_never_a_fixed_95():
    heading, estimates = printed_estimates(chart_rows_figure(ODDS_99, "LARS", forest=True))
    assert (heading, estimates) == ("Estimate (99% CI)", ["OR 3.0 (1.3–6.9)"])
    target = layers(chart_rows_figure(ODDS_99, "LARS", forest=True))[-1]
    assert (
        layer_data(chart_rows_figure(ODDS_99, "LARS", forest=True), target)[0]["interval"] == "99% CI 1.3–6.9 (stated)"
    )
    # a 99% and a 95% interval in one chart: the heading claims no level, each interval gives its own
    heading, estimates = printed_estimates(chart_rows_figure(pd.concat([ODDS_99, RATIOS]), "Ratios", forest=True))
    assert heading == "Estimate (CI)"
    assert estimates == ["OR 3.0 (99% CI 1.3–6.9)", "HR 3.03 (95% CI 1.86–4.95)"]
