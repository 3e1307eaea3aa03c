"""Altair figures of the book, and their embedding with the site's own Vega libraries."""

import base64
import html
import re

import altair as alt
import pandas as pd

from mrcreview.row_charts import chart_rows_figure
from mrcreview.untrusted import script_json

FONT_SIZE = 12  # every label and axis title; chart titles a little larger
PRINT_WIDTH = 640  # pixels: the printed chart fills the page's text width


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """As wide as the text column, resized with it, with legible type."""
    return (
        chart.properties(width="container")
        .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
        .configure_title(fontSize=FONT_SIZE + 2, anchor="start")
        .configure_view(stroke=None)
        .configure_mark(aria=False)
    )


def chart_figure(figure: pd.Series, rows: pd.DataFrame) -> alt.TopLevelMixin:
    """The chart a row of data/figures.csv describes, over the outcome rows it shows: a forest plot, or
    bars (bars_by outcome puts each bar's outcome first in its label; colour_by colours the bars)."""
    forest = figure["chart"] == "forest"
    colour = figure["colour_by"] if pd.notna(figure["colour_by"]) else None
    outcome_first = not forest and figure["bars_by"] == "outcome"
    return styled(chart_rows_figure(rows, figure["title"], forest, colour, outcome_first))


def printed(spec: dict) -> dict:
    """The spec for paper: a fixed width, since a page has no container to fill."""
    return {**spec, "width": PRINT_WIDTH}


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
