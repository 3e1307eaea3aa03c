"""Shared code of the living review: load, validate, cite, tabulate and chart the evidence.

Chapters use `import mrcreview as mr` and call `mr.load_outcomes(...)`, `mr.glue_figure(...)` and so on.
Names are imported on first use, so the command line (`python -m mrcreview check`) stays fast
and does not load the plotting and notebook libraries it does not need.
"""

import importlib

_HOME = {
    "certainty_status": "summary_of_findings",
    "count_rows": "loading",
    "dataset_counts": "counting",
    "evidence_summary": "tables",
    "evidence_summary_markdown": "tables",
    "glue_figure": "chapter",
    "glue_markdown": "chapter",
    "glue_table": "chapter",
    "glue_prisma_flow": "chapter",
    "glue_text": "chapter",
    "how_to_cite_markdown": "citing",
    "living_status_markdown": "living_status",
    "load_clinical_pathways": "loading",
    "load_figure": "loading",
    "load_figures": "loading",
    "load_outcomes": "loading",
    "load_review_references": "loading",
    "load_screening": "loading",
    "load_searches": "loading",
    "load_studies": "loading",
    "number_details": "loading",
    "number_text": "loading",
    "numbers_used": "register",
    "prisma_counts": "tables",
    "update_search_run": "tables",
    "read_descriptor": "schema",
    "register_contents": "register",
    "register_part_entries": "register",
    "statuses_at_release": "changes",
    "summary_of_findings_markdown": "summary_of_findings",
    "summary_overview_markdown": "summary_of_findings",
    "summary_rule": "summary_of_findings",
    "table_clinical_pathways": "tables",
    "table_data_dictionary": "tables",
    "table_numbers": "tables",
    "table_prisma": "tables",
    "table_references_to_identify": "tables",
    "table_searches": "tables",
    "table_studies": "tables",
    "table_trial_tracker": "tables",
    "whats_new_markdown": "changes",
}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f"mrcreview.{_HOME[name]}"), name)
    raise AttributeError(f"module 'mrcreview' has no attribute {name!r}")
