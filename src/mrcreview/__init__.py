"""Shared code of the living review: load, validate, cite, tabulate and chart the evidence."""

from mrcreview.changes import how_to_cite_markdown, whats_new_markdown
from mrcreview.chapter import (
    glue_chart,
    glue_evidence_summary,
    glue_figure,
    glue_forest,
    glue_markdown,
    glue_numbers,
    glue_table,
    glue_text,
)
from mrcreview.figures import chart_proportions, chart_ratios
from mrcreview.loading import (
    evidence_as_of,
    load_clinical_pathways,
    load_forest_plots,
    load_outcomes,
    load_review_references,
    load_studies,
)
from mrcreview.numbers import format_value
from mrcreview.register import numbers_used, register_markdown
from mrcreview.schema import read_descriptor
from mrcreview.synthesis import chart_forest, pool_logit, table_forest, with_intervals
from mrcreview.tables import (
    evidence_summary,
    select,
    table_clinical_pathways,
    table_data_dictionary,
    table_numbers,
    table_references_to_identify,
    table_trial_tracker,
)

__all__ = [
    "chart_forest",
    "pool_logit",
    "table_forest",
    "with_intervals",
    "how_to_cite_markdown",
    "whats_new_markdown",
    "chart_proportions",
    "chart_ratios",
    "evidence_summary",
    "numbers_used",
    "read_descriptor",
    "register_markdown",
    "select",
    "table_data_dictionary",
    "table_references_to_identify",
    "table_trial_tracker",
    "evidence_as_of",
    "format_value",
    "glue_chart",
    "glue_evidence_summary",
    "glue_figure",
    "glue_forest",
    "glue_markdown",
    "glue_numbers",
    "glue_table",
    "glue_text",
    "load_clinical_pathways",
    "load_forest_plots",
    "load_outcomes",
    "load_review_references",
    "load_studies",
    "table_clinical_pathways",
    "table_numbers",
]
