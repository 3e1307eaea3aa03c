"""What a chapter's cells call to place data in the text: one glue helper per kind of output.

A chapter builds with `glue_*` in a hidden cell and places the result with {glue:text},
{glue:md}, or for a figure an evidence-figure block; the check refuses a key no cell glues.
A single reported number needs no code: {n}`outcome-id` places it (sphinx_ext/roles.py).
"""

import pandas as pd
from IPython.display import Markdown
from myst_nb import glue

from mrcreview.markdown import md_escape
from mrcreview.numbers import format_value
from mrcreview.tables import numbered_table, table_numbers


class GluedText(str):
    """A string that glue shows without quotes (IPython's plain repr adds them)."""

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def glue_text(key: str, text) -> str:
    glue(key, GluedText(str(text)), display=False)
    return str(text)


def glue_table(name: str, caption: str, table: str, numbered: bool = True) -> str:
    """Glue a MyST table, numbered as tbl-... unless numbered=False (a table that keeps its source's
    name, like the review's Table 1, whose chapter then labels it); place it with {glue:md} and
    `:format: myst`."""
    text = numbered_table(name if numbered else None, caption, table)
    glue(name, Markdown(text), display=False)
    return text


def glue_chart(name: str, chart, description: str):
    """Glue a chart that draws offline; place it with {glue:figure} under the same name."""
    # Charting libraries load only in chapters with charts: each chapter is a new kernel.
    from mrcreview.figures import chart_html

    html = chart_html(chart, f"chart-{name}", description)
    glue(name, html, display=False)
    return chart


def glue_prisma_flow(name: str, counts: dict[str, int], run: bool = True) -> str:
    """Glue the PRISMA 2020 flow diagram of the counts (prisma_counts), run False before the update search has
    run (update_search_run); place it with {glue} under the same name."""
    from IPython.display import HTML

    from mrcreview.prisma import prisma_flow_svg

    svg = prisma_flow_svg(counts, run)
    glue(name, HTML(svg), display=False)
    return svg


def glue_markdown(name: str, text: str) -> str:
    """Glue generated MyST Markdown (a list, a register); place it with {glue:md} and `:format: myst`."""
    glue(name, Markdown(text), display=False)
    return text


def glue_figure(figure_id: str) -> dict | None:
    """Glue the figure that data/figures.csv describes: its chart as fig-<id>, the numbers it shows as
    tbl-<id>, and for a forest plot with a pooling rule, as pool-<id>, the pooled estimate (where the
    plot may be pooled and the rule allows) or why there is none. A chapter places all of them with
    one evidence-figure block whose text is the caption."""
    from mrcreview.figures import chart_figure
    from mrcreview.loading import load_figure
    from mrcreview.synthesis import pool_logit
    from mrcreview.tables import table_forest

    figure, rows = load_figure(figure_id)
    kind = "Forest plot" if figure["chart"] == "forest" else "Bar chart"
    glue_chart(f"fig-{figure_id}", chart_figure(figure, rows), f"{kind}: {figure['title']}. {describe(rows)}")
    table = table_forest(rows) if figure["chart"] == "forest" else table_numbers(rows)
    glue_table(f"tbl-{figure_id}", f"Numbers shown in the figure: {figure['title']}.", table)
    if pd.isna(figure["pool"]):
        return None
    pooled = pool_logit(rows) if figure["pool"] == "yes" else None
    if pooled:
        detail = (
            f"(random effects, logit scale) of {', '.join(pooled['studies'])}: {pooled['estimate']:.1%} "
            f"(95% CI {pooled['low']:.1%}–{pooled['high']:.1%}); I² {pooled['i2']:.0%}, τ² {pooled['tau2']:.3f}. "
            f"{figure['pooling_reason']}"
        )
        text = f"**Exploratory pooled estimate** {md_escape(detail)}"
    else:
        text = f"No pooled estimate. {md_escape(figure['pooling_reason'])}"
    glue_markdown(f"pool-{figure_id}", text)
    return pooled


def describe(rows: pd.DataFrame) -> str:
    """Every value a figure shows, as text: the core of its text alternative."""
    return "; ".join(f"{r.short_name}, {r.arm}, {r.outcome}: {format_value(r)}" for _, r in rows.iterrows()) + "."
