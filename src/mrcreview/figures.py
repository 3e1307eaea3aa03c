"""Altair figures of the book, and their embedding with the site's own Vega libraries."""

import base64
import html
import json
import re

import altair as alt
import pandas as pd

from mrcreview.numbers import format_value


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
        x=alt.X("value:Q", title="Reported proportion", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(f"{y}:N", title=None, sort=list(dict.fromkeys(data[y])), axis=alt.Axis(labelLimit=300)),
        tooltip=TOOLTIP,
    )
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=None, legend=alt.Legend(orient="bottom"))
        encoding["yOffset"] = alt.YOffset(f"{color}:N")
    bars = alt.Chart(data, title=title).mark_bar().encode(**encoding)
    labels = bars.mark_text(align="left", dx=3).encode(text="shown:N", color=alt.value("black"))
    return (bars + labels).properties(width=360)


def _safe_json(spec: dict) -> str:
    # "<", ">" and "&" only occur inside JSON strings, where \u escapes are equivalent:
    # no text from data can close the <script> element.
    text = json.dumps(spec, sort_keys=True, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def static_svg(spec: dict) -> str:
    """The chart drawn once at build time (vl-convert), for print, PDF and readers without JavaScript."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0])


def chart_html(chart: alt.Chart, chart_id: str, description: str):
    """The chart as HTML that draws with the Vega libraries the site serves itself (no CDN),
    with a static SVG of the same chart that print and PDF show instead."""
    from IPython.display import HTML

    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        raise ValueError(f"chart id {chart_id!r}: expected lower-case letters, digits and hyphens")
    spec = chart.to_dict()
    spec.pop("$schema", None)
    label = html.escape(description, quote=True)
    svg = base64.b64encode(static_svg(spec).encode("utf-8")).decode("ascii")
    return HTML(
        f'<div id="{chart_id}" class="vega-chart" role="img" aria-label="{label}"></div>\n'
        f'<img class="chart-static" alt="{label}" src="data:image/svg+xml;base64,{svg}">\n'
        f'<script type="text/javascript">vegaEmbed("#{chart_id}", {_safe_json(spec)}, '
        '{"actions": false, "renderer": "svg"});</script>'
    )
