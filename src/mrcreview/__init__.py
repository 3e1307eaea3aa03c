"""Shared code of the living review: load, validate, cite, tabulate and chart the evidence."""

from mrcreview.chapter import glue_chart, glue_numbers, glue_table, glue_text
from mrcreview.figures import chart_proportions
from mrcreview.loading import (
    evidence_as_of,
    load_clinical_pathways,
    load_outcomes,
    load_review_references,
    load_studies,
)
from mrcreview.numbers import format_value
from mrcreview.tables import table_clinical_pathways, table_numbers

__all__ = [
    "chart_proportions",
    "evidence_as_of",
    "format_value",
    "glue_chart",
    "glue_numbers",
    "glue_table",
    "glue_text",
    "load_clinical_pathways",
    "load_outcomes",
    "load_review_references",
    "load_studies",
    "table_clinical_pathways",
    "table_numbers",
]
