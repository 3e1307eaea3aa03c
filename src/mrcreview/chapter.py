"""What a chapter's cells call to place data in the text: one glue helper per kind of output.

A chapter builds with `glue_*` in a hidden cell and places the result with
{glue:text}, {glue:md} or {glue:figure}; the check refuses a key no cell glues.
A single reported number needs no code: {n}`outcome-id` places it (sphinx_ext.py).
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


def glue_table(name: str, caption: str, table: str) -> str:
    """Glue a numbered MyST table; place it with {glue:md} and `:format: myst`."""
    text = numbered_table(name, caption, table)
    glue(name, Markdown(text), display=False)
    return text


def glue_chart(name: str, chart, description: str):
    """Glue a chart that draws offline; place it with {glue:figure} under the same name."""
    # Charting libraries load only in chapters with charts: each chapter is a new kernel.
    from mrcreview.figures import chart_html

    html = chart_html(chart, f"chart-{name}", description)
    glue(name, html, display=False)
    return chart


def glue_markdown(name: str, text: str) -> str:
    """Glue generated MyST Markdown (a list, a register); place it with {glue:md} and `:format: myst`."""
    glue(name, Markdown(text), display=False)
    return text


def glue_figure(name: str, chart, description: str, rows: pd.DataFrame, caption: str):
    """A chart and, under the table label tbl-<name without fig->, the numbers it shows.

    The chart's text alternative is the description followed by every value it shows.
    """
    glue_chart(name, chart, f"{description}. {describe(rows)}")
    glue_table(name.replace("fig-", "tbl-", 1), caption, table_numbers(rows))
    return chart


def glue_forest(plot_id: str, plots: pd.DataFrame, plot_rows: pd.DataFrame, outcomes: pd.DataFrame) -> dict | None:
    """Glue one forest plot as fig-forest-<id>, its table as tbl-forest-<id>, and as pool-forest-<id>
    either the pooled estimate (where the plot may be pooled and the rule allows) or why there is none."""
    from mrcreview.synthesis import chart_forest, pool_logit, table_forest

    plot = plots.set_index("plot_id").loc[plot_id]
    rows = outcomes[outcomes["outcome_id"].isin(plot_rows.loc[plot_rows["plot_id"] == plot_id, "outcome_id"])]
    chart = chart_forest(rows, plot["title"])
    glue_chart(f"fig-forest-{plot_id}", chart, f"Forest plot: {plot['title']}. {describe(rows)}")
    glue_table(f"tbl-forest-{plot_id}", f"Numbers in the forest plot: {plot['title']}.", table_forest(rows))
    pooled = pool_logit(rows) if plot["pool"] == "yes" else None
    if pooled:
        detail = (
            f"(random effects, logit scale) of {', '.join(pooled['studies'])}: {pooled['estimate']:.1%} "
            f"(95% CI {pooled['low']:.1%}–{pooled['high']:.1%}); I² {pooled['i2']:.0%}, τ² {pooled['tau2']:.3f}. "
            f"{plot['pooling_reason']}"
        )
        text = f"**Exploratory pooled estimate** {md_escape(detail)}"
    else:
        text = f"No pooled estimate. {md_escape(plot['pooling_reason'])}"
    glue_markdown(f"pool-forest-{plot_id}", text)
    return pooled


def describe(rows: pd.DataFrame) -> str:
    """Every value a figure shows, as text: the core of its text alternative."""
    return "; ".join(f"{r.short_name}, {r.arm}, {r.outcome}: {format_value(r)}" for _, r in rows.iterrows()) + "."
