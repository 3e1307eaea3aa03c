"""Charts of reported numbers laid out as a review's forest plot: one row per number.

Each row is labelled in full above its mark (study and arm, then outcome and time point, wrapped,
never cut), and printed beside the plot are its n/N and its estimate with its interval, so that no
reader has to hover to read a value. Each row is its own mark: two results are never stacked into
one bar. A bound ("more than 60%", "up to 70%") is drawn as a bound: an open arrowhead at the value
pointing the way the bound runs, with a dashed line to the end of the scale, never as a point.

The vertical axis is in text lines, so that rows with longer labels take more room; the plot's
width follows its container, minus the printed columns, whose width is worked out from their text.
"""

import textwrap

import altair as alt
import pandas as pd

from mrcreview.numbers import _percent, format_value, fraction, level_text
from mrcreview.synthesis import interval_text, interval_with_level, with_intervals

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARK_COLOUR = OKABE_ITO[0]
FONT_SIZE = 12
LINE = 15  # pixels per line of text, the unit of the vertical axis
LABEL_CHARS = 44  # a row label wraps here: it then fits a phone's column (about 350 px)
CHAR_PX = 7.7  # the widest glyphs of the charts' sans-serif at 12 px (digits), for column widths
GAP_PX = 12
BOUND_SHAPES = {"more than": "triangle-right", "up to": "triangle-left"}
RATIO_NAMES = {"hazard_ratio": "hazard ratio", "odds_ratio": "odds ratio", "relative_risk": "relative risk"}


def wrapped(text: str, width: int = LABEL_CHARS) -> list[str]:
    """Text broken into lines at spaces, never inside a word (a word longer than a line keeps its line)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def row_label(row: pd.Series, outcome_first: bool = False) -> list[str]:
    """What a row shows, in full: the study and arm, then the outcome and its time point (or the
    outcome first, for a chart whose bars are labelled by outcome)."""
    when = f", {row['timepoint']}" if pd.notna(row["timepoint"]) else ""
    who, what = wrapped(f"{row['short_name']}: {row['arm']}"), wrapped(f"{row['outcome']}{when}")
    return what + who if outcome_first else who + what


def value_only(row: pd.Series) -> str:
    """The reported number with its bound, without its interval (printed in a column of its own)."""
    return format_value(row.drop(["ci_lower_text", "ci_upper_text"], errors="ignore"))


def interval_only(row: pd.Series, with_level: bool) -> str:
    """The interval as printed beside the plot: a stated interval as the source reported it. Its level
    is printed with it unless the column's heading gives the one level of every interval (estimate_heading)."""
    if pd.isna(row["low"]):
        return ""
    if row["interval_source"] == "stated" and pd.notna(row.get("ci_lower_text")):
        low, high = row["ci_lower_text"], row["ci_upper_text"]
        if row["unit"] == "proportion":
            low, high = _percent(low).rstrip("%"), _percent(high)
        shown = f"{low}–{high}"
    else:
        shown = interval_text(row).replace("%–", "–")
    return f"{level_text(row['level'])} {shown}" if with_level else shown


def estimate_heading(levels: set[float]) -> str:
    """The printed estimates' heading: with the level when every interval has the same one."""
    if not levels:
        return "Estimate"
    return f"Estimate ({level_text(next(iter(levels)))})" if len(levels) == 1 else "Estimate (CI)"


def chart_rows(
    outcomes: pd.DataFrame, outcome_first: bool = False, colour: str | None = None
) -> tuple[pd.DataFrame, float]:
    """One row per reported number, in outcome_id order, with its place in text lines: the label's
    first line (top), the line of its mark (mid) and the row's end (bottom); and the chart's height
    in lines. The first 1.4 lines hold the columns' headings."""
    rows = with_intervals(outcomes).sort_values(["outcome", "outcome_id"] if outcome_first else "outcome_id")
    rows = rows.reset_index(drop=True)
    one_level = rows["level"].dropna().nunique() <= 1
    records, cursor = [], 1.4
    for _, row in rows.iterrows():
        label = row_label(row, outcome_first)
        mid = cursor + len(label) + 0.6
        interval = interval_only(row, with_level=not one_level)
        records.append(
            {
                "short_name": str(row["short_name"]),
                "arm": str(row["arm"]),
                "outcome": str(row["outcome"]),
                "timepoint": str(row["timepoint"]) if pd.notna(row["timepoint"]) else "not stated",
                "label": "\n".join(label),
                "value": float(row["value"]),
                "low": None if pd.isna(row["low"]) else float(row["low"]),
                "high": None if pd.isna(row["high"]) else float(row["high"]),
                "shown": format_value(row),
                "estimate": value_only(row) + (f" ({interval})" if interval else ""),
                "interval": f"{interval_with_level(row)} ({row['interval_source']})",
                "level": None if pd.isna(row["level"]) else float(row["level"]),
                "n": fraction(row) or "",
                "n_said": fraction(row) or "not reported",
                "said": f"{row['short_name']}, {row['arm']}, {row['outcome']}: {format_value(row)}",
                "bound": str(row["bound"]) if pd.notna(row["bound"]) else "",
                "group": str(row[colour]) if colour else "",
                "top": cursor,
                "mid": mid,
                "bar_top": mid - 0.4,
                "bar_bottom": mid + 0.4,
                "bottom": mid + 0.9,
            }
        )
        cursor = mid + 1.3
    return pd.DataFrame(records), cursor


def column_px(texts, heading: str) -> int:
    return round(max(len(t) for t in [*texts, heading]) * CHAR_PX) + GAP_PX


def x_domain(rows: pd.DataFrame, ratio: bool) -> list[float]:
    """Proportions from 0 to 100%; ratios on a log scale around every estimate, interval and 1."""
    if not ratio:
        return [0.0, 1.0]
    values = [1.0, *rows["value"], *rows["low"].dropna(), *rows["high"].dropna()]
    return [min(values) / 1.3, max(values) * 1.3]


def bound_ends(rows: pd.DataFrame, domain: list[float]) -> pd.DataFrame:
    """The rows with a bound, each with the end of the scale its bound runs to and its arrowhead."""
    bounded = rows[rows["bound"].isin(list(BOUND_SHAPES))].copy()
    bounded["end"] = [domain[1] if b == "more than" else domain[0] for b in bounded["bound"]]
    bounded["shape"] = bounded["bound"].map(BOUND_SHAPES)
    return bounded


def tooltip(forest: bool) -> list[alt.Tooltip]:
    """What tapping or hovering a row shows, in the words of the page."""
    shown = [alt.Tooltip("shown:N", title="Estimate" if forest else "Value")]
    if forest:
        shown.append(alt.Tooltip("interval:N", title="Confidence interval"))
    return [
        alt.Tooltip("short_name:N", title="Study"),
        alt.Tooltip("arm:N", title="Arm or group"),
        alt.Tooltip("outcome:N", title="Outcome"),
        alt.Tooltip("timepoint:N", title="Time point"),
        *shown,
        alt.Tooltip("n_said:N", title="n/N"),
    ]


def axis_title(units: set[str]) -> list[str]:
    """What the horizontal axis measures, in lines that fit a phone."""
    if units == {"proportion"}:
        return ["Proportion (%)"]
    kinds = " or ".join(RATIO_NAMES[unit] for unit in sorted(units))
    return [*wrapped(kinds.capitalize()), "(log scale; 1 = no difference)"]


def chart_rows_figure(
    outcomes: pd.DataFrame, title: str, forest: bool, colour: str | None = None, outcome_first: bool = False
) -> alt.LayerChart:
    """The layered chart: labels, marks (bars or intervals), bounds, the null line, the printed columns,
    and on top a row-wide target that shows the row's details on hover or on tap."""
    units = set(outcomes["unit"])
    ratio = units != {"proportion"}
    rows, height = chart_rows(outcomes, outcome_first, colour)
    domain = x_domain(rows, ratio)
    value_column = ("estimate", estimate_heading(set(rows["level"].dropna()))) if forest else ("shown", "Value")
    estimate_px = column_px(rows[value_column[0]], value_column[1])
    n_px = column_px(rows["n"], "n/N") if rows["n"].any() else 0
    range_end = {"expr": f"width - {estimate_px + n_px + GAP_PX}"}
    scale = alt.Scale(type="log" if ratio else "linear", domain=domain, range=[0, range_end], nice=False)
    # every layer states the same axis: Vega-Lite drops an axis that any layer sets to none
    axis = alt.Axis(
        format="~g" if ratio else "%",
        **({} if ratio else {"tickCount": 5}),
        labelOverlap=True,
        grid=False,
        titleAnchor="start",
        titleAlign="left",
        titleX=0,
    )

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:Q", scale=scale, axis=axis, title=axis_title(units))

    y_scale = alt.Scale(domain=[0, height], reverse=True, nice=False, zero=False)

    def y(field: str) -> alt.Y:
        return alt.Y(f"{field}:Q", scale=y_scale, axis=None)

    base = alt.Chart(rows)
    paint = {"color": alt.Color("group:N", title=None, scale=alt.Scale(range=OKABE_ITO), legend=LEGEND)}
    fill = paint if colour else {}
    plain = {} if colour else {"color": MARK_COLOUR}
    marks = []
    if ratio:  # the line of no difference, drawn in each row so that it crosses no label
        null = base.transform_calculate(one="1").mark_rule(color="#555555", strokeDash=[2, 2])
        marks.append(null.encode(x=x("one"), y=y("bar_top"), y2="bar_bottom"))
    if forest:
        marks.append(
            base.transform_filter("isValid(datum.low)")
            .mark_rule(color="#333333", strokeWidth=2)
            .encode(x=x("low"), x2="high:Q", y=y("mid"))
        )
        point = base.transform_filter("datum.bound != 'more than' && datum.bound != 'up to'")
        marks.append(
            point.mark_point(filled=True, size=80, opacity=1, **plain).encode(x=x("value"), y=y("mid"), **fill)
        )
    else:
        bars = base.transform_calculate(zero="0").mark_rect(**plain)
        marks.append(bars.encode(x=x("zero"), x2="value:Q", y=y("bar_top"), y2="bar_bottom", **fill))
    bounded = bound_ends(rows, domain)
    if len(bounded):
        bound = alt.Chart(bounded)
        marks.append(bound.mark_rule(strokeDash=[4, 3], color="#333333").encode(x=x("value"), x2="end:Q", y=y("mid")))
        arrowhead = bound.mark_point(filled=False, size=110, strokeWidth=2, color="#000000")
        marks.append(arrowhead.encode(x=x("value"), y=y("mid"), shape=alt.Shape("shape:N", scale=None)))

    text = dict(align="left", fontSize=FONT_SIZE, lineHeight=LINE, color="black")
    labels = base.mark_text(baseline="top", x=0, lineBreak="\n", **text).encode(y=y("top"), text="label:N")
    heading = alt.Chart(pd.DataFrame({"top": [0.0]})).mark_text(fontWeight="bold", baseline="top", **text)
    printed = []
    for field, name, left in ((*value_column, estimate_px), ("n", "n/N", estimate_px + n_px)):
        if field == "n" and not n_px:
            continue
        at = {"expr": f"width - {left}"}
        printed.append(base.mark_text(baseline="middle", x=at, **text).encode(y=y("mid"), text=f"{field}:N"))
        printed.append(heading.mark_text(x=at, text=name, fontWeight="bold", baseline="top", **text).encode(y=y("top")))
    # on top of everything: the whole row answers a pointer or a finger with the row's details
    # (and is the one mark a screen reader names: the others repeat it in pieces)
    target = base.mark_rect(opacity=0, x=0, x2={"expr": "width"}, color="#ffffff", aria=True).encode(
        y=y("top"), y2="bottom:Q", tooltip=tooltip(forest), description="said:N"
    )
    return alt.layer(*marks, labels, *printed, target).properties(
        title=alt.Title(wrapped(title), anchor="start"), height=round(height * LINE)
    )


LEGEND = alt.Legend(orient="bottom", columns=1, labelLimit=0)
