"""What a chapter's cells call to place data in the text: one glue helper per kind of output.

A chapter builds with `glue_*` in a hidden cell and places the result with
{glue:text}, {glue:md} or {glue:figure}; an unknown glue key fails the build.
"""

import pandas as pd
from IPython.display import Markdown
from myst_nb import glue

from mrcreview.figures import chart_html
from mrcreview.numbers import number_texts
from mrcreview.tables import numbered_table


class GluedText(str):
    """A string that glue shows without quotes (IPython's plain repr adds them)."""

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def glue_text(key: str, text) -> str:
    glue(key, GluedText(str(text)), display=False)
    return str(text)


def glue_numbers(outcomes: pd.DataFrame) -> dict[str, str]:
    """Glue every reported number under its outcome_id, for {glue:text} in the prose."""
    texts = number_texts(outcomes)
    for key, text in texts.items():
        glue_text(key, text)
    return texts


def glue_table(name: str, caption: str, table: str) -> str:
    """Glue a numbered MyST table; place it with {glue:md} and `:format: myst`."""
    text = numbered_table(name, caption, table)
    glue(name, Markdown(text), display=False)
    return text


def glue_chart(name: str, chart, description: str):
    """Glue a chart that draws offline; place it with {glue:figure} under the same name."""
    html = chart_html(chart, f"chart-{name}", description)
    glue(name, html, display=False)
    return chart
