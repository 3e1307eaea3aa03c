"""Tables of the book, built from data as MyST Markdown so that citations resolve."""

import pandas as pd

from mrcreview.markdown import cite, markdown_table, md_escape
from mrcreview.numbers import format_value, fraction

PATHWAY_COLUMNS = {
    "setting": "Setting",
    "strategy": "Strategy",
    "key_steps": "Key steps",
    "role_of_rt_nom": "Role of radiotherapy and NOM",
    "key_considerations": "Key considerations",
}


def table_clinical_pathways(pathways: pd.DataFrame) -> str:
    """Table 1: where radiotherapy and non-operative management fit in each pathway."""
    rows = [
        [md_escape(row[column]) for column in PATHWAY_COLUMNS] + [cite(row["citation_key"])]
        for _, row in pathways.iterrows()
    ]
    return markdown_table([*PATHWAY_COLUMNS.values(), "Source"], rows)


def table_numbers(outcomes: pd.DataFrame) -> str:
    """The numbers behind a figure, one row per reported number, with their citations."""
    rows = []
    for _, row in outcomes.iterrows():
        rows.append([
            md_escape(row["short_name"]),
            md_escape(row["arm"]),
            md_escape(row["outcome"]),
            md_escape(row["timepoint"]) if pd.notna(row["timepoint"]) else "",
            md_escape(format_value(row)),
            md_escape(fraction(row) or ""),
            cite(row["citation_key"]),
        ])
    return markdown_table(["Study", "Arm or group", "Outcome", "Time point", "Value", "n/N", "Source"], rows)


def numbered_table(name: str, caption: str, table: str) -> str:
    """Wrap a pipe table in a MyST table directive so it is numbered and can be referenced."""
    return f":::{{table}} {md_escape(caption)}\n:name: {name}\n\n{table}\n:::\n"
