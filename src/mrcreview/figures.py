"""Altair figures of the book, and their embedding with the site's own Vega libraries."""

import base64
import html
import json
import re

import altair as alt
import pandas as pd

from mrcreview.numbers import format_value, fraction
from mrcreview.synthesis import interval_text, with_intervals
from mrcreview.untrusted import script_json


def tooltip(*middle: alt.Tooltip) -> list[alt.Tooltip]:
    """What hovering a mark shows: the study and arm, the given fields, the citation and the data row."""
    return [
        alt.Tooltip("short_name:N", title="Study"),
        alt.Tooltip("arm:N", title="Arm or group"),
        *middle,
        alt.Tooltip("citation_key:N", title="Citation"),
        alt.Tooltip("outcome_id:N", title="Data row"),
    ]


TOOLTIP = tooltip(alt.Tooltip("outcome:N", title="Outcome"), alt.Tooltip("shown:N", title="Value"))

# Okabe and Ito's palette, told apart with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARK_COLOUR = OKABE_ITO[0]
FONT_SIZE = 12  # every label and axis title; chart titles a little larger
# Labels take at most 40% of the chart's width (a phone's too); the printed chart is a fixed width.
LABEL_LIMIT = {"expr": "max(90, containerSize()[0] * 0.4)"}
PRINT_WIDTH, PRINT_LABEL_LIMIT = 640, 280


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """As wide as the text column, resized with it, with legible type."""
    return (
        chart.properties(width="container")
        .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=LABEL_LIMIT)
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=LABEL_LIMIT)
        .configure_title(fontSize=FONT_SIZE + 2, anchor="start")
        .configure_view(stroke=None)
    )


def chart_data(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Only the columns a chart shows, sorted, as plain strings: stable specifications."""
    data = outcomes.sort_values("outcome_id").copy()
    data["shown"] = [format_value(row) for _, row in data.iterrows()]
    data["label"] = data["short_name"] + ": " + data["arm"]
    when = data["timepoint"].map(lambda t: f", {t}" if pd.notna(t) else "")
    data["detail"] = data["short_name"] + ": " + data["outcome"] + when
    data["arm_detail"] = data["short_name"] + ": " + data["arm"] + when
    columns = ["outcome_id", "short_name", "arm", "label", "detail", "arm_detail", "outcome", "timepoint", "value"]
    columns.append("shown")
    columns.append("citation_key")
    data = data[columns].astype({c: str for c in columns if c != "value"})
    data["value"] = data["value"].astype(float)
    return data.reset_index(drop=True)


def chart_proportions(outcomes: pd.DataFrame, y: str, title: str, color: str | None = None) -> alt.Chart:
    """Horizontal bars of reported proportions, with a tooltip naming study, citation and data row."""
    data = chart_data(outcomes)
    encoding = dict(
        x=alt.X("value:Q", title="Reported proportion (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(f"{y}:N", title=None, sort=list(dict.fromkeys(data[y]))),
        tooltip=TOOLTIP,
    )
    if color:
        scale = alt.Scale(range=OKABE_ITO)
        encoding["color"] = alt.Color(
            f"{color}:N", title=None, scale=scale, legend=alt.Legend(orient="bottom", columns=1)
        )
        encoding["yOffset"] = alt.YOffset(f"{color}:N")
    bars = alt.Chart(data, title=title).mark_bar(color=MARK_COLOUR).encode(**encoding)
    labels = bars.mark_text(align="left", dx=3, fontSize=FONT_SIZE).encode(text="shown:N", color=alt.value("black"))
    return styled(bars + labels)


def chart_forest(rows: pd.DataFrame, title: str) -> alt.Chart:
    """Estimates with their intervals, one line per reported number; ratios on a log scale."""
    rows = with_intervals(rows).sort_values("outcome_id")
    data = chart_data(rows)
    data["low"], data["high"] = rows["low"].to_numpy(), rows["high"].to_numpy()
    data["interval"] = [interval_text(r) + f" ({r['interval_source']})" for _, r in rows.iterrows()]
    data["n"] = [fraction(r) or "not reported" for _, r in rows.iterrows()]
    ratio = rows["unit"].iloc[0] != "proportion"
    scale = alt.Scale(type="log") if ratio else alt.Scale(domain=[0, 1])
    kinds = " or ".join(RATIO_NAMES[unit] for unit in sorted(set(rows["unit"]))) if ratio else ""
    axis = alt.Axis(
        title=f"{kinds.capitalize()} (log scale)" if ratio else "Proportion (%)", format="" if ratio else "%"
    )
    hover = tooltip(
        alt.Tooltip("n:N", title="n/N"),
        alt.Tooltip("shown:N", title="Estimate"),
        alt.Tooltip("interval:N", title="95% CI"),
    )
    label = "arm_detail" if data["outcome"].nunique() == 1 else "detail"
    y = alt.Y(f"{label}:N", title=None, sort=list(dict.fromkeys(data[label])))
    base = alt.Chart(data, title=title).encode(y=y, tooltip=hover)
    bars = base.mark_rule(color="#333333", strokeWidth=2).encode(x=alt.X("low:Q", scale=scale), x2="high:Q")
    points = base.mark_point(filled=True, size=80, color=MARK_COLOUR).encode(x=alt.X("value:Q", scale=scale, axis=axis))
    return styled(bars + points)


RATIO_NAMES = {"hazard_ratio": "hazard ratio", "odds_ratio": "odds ratio", "relative_risk": "relative risk"}


# What each bar is labelled with (figures.csv bars_by): columns of chart_data.
BARS_BY = {"study_arm": "label", "outcome": "outcome", "arm": "arm"}


def chart_figure(figure: pd.Series, rows: pd.DataFrame) -> alt.Chart:
    """The chart a row of data/figures.csv describes, over the outcome rows it shows."""
    if figure["chart"] == "forest":
        return chart_forest(rows, figure["title"])
    colour = figure["colour_by"] if pd.notna(figure["colour_by"]) else None
    return chart_proportions(rows, y=BARS_BY[figure["bars_by"]], title=figure["title"], color=colour)


def printed(spec: dict) -> dict:
    """The spec for paper: a fixed width, since a page has no container to fill."""
    text = json.dumps(spec).replace(json.dumps(LABEL_LIMIT), str(PRINT_LABEL_LIMIT))
    return {**json.loads(text), "width": PRINT_WIDTH}


def static_svg(spec: dict) -> str:
    """The chart drawn once at build time (vl-convert), for print, PDF and readers without JavaScript."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0])


def chart_html(chart: alt.Chart, chart_id: str, description: str):
    """The chart as HTML that the site's own Vega libraries draw (no CDN), with a static SVG of the
    same chart that print and PDF show instead. The specification is data (a JSON block), drawn by the
    site's static/charts.js: no chart is a script of its own, so every page can refuse inline script."""
    from IPython.display import HTML

    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        raise ValueError(f"chart id {chart_id!r}: expected lower-case letters, digits and hyphens")
    spec = chart.to_dict()
    spec.pop("$schema", None)
    label = html.escape(description, quote=True)
    svg = base64.b64encode(static_svg(printed(spec)).encode("utf-8")).decode("ascii")
    return HTML(
        f'<div id="{chart_id}" class="vega-chart" role="img" aria-label="{label}"></div>\n'
        f'<img class="chart-static" alt="{label}" src="data:image/svg+xml;base64,{svg}">\n'
        f'<script type="application/json" class="vega-spec" data-chart="{chart_id}">{script_json(spec)}</script>'
    )
