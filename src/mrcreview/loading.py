"""Load the curated CSVs as typed, sorted pandas tables.

Loading assumes the data passed `python -m mrcreview check`; the build runs the
check before any chapter executes.
"""

from datetime import date
from pathlib import Path

import pandas as pd

from mrcreview.paths import data_dir
from mrcreview.schema import pandas_dtypes, read_descriptor, resource

# Which files each function that chapters call reads (globs, relative to the project
# root): a chapter that calls one is rebuilt whenever one of them changes (sphinx_ext.py).
FILES_READ_BY = {
    "load_studies": ("data/studies.csv",),
    "load_outcomes": ("data/outcomes.csv", "data/studies.csv"),
    "load_clinical_pathways": ("data/clinical_pathways.csv",),
    "load_review_references": ("data/review_references.csv",),
    "load_forest_plots": ("data/forest_plots.csv", "data/forest_plot_rows.csv"),
    "evidence_as_of": ("data/studies.csv",),
    "read_descriptor": (),
    "numbers_used": ("book/*.md",),
    "whats_new_markdown": ("data/*.csv", "refs.bib", "book/*.md"),
    "how_to_cite_markdown": ("CITATION.cff",),
}


def _load(name: str, root: Path | None = None, as_text: tuple[str, ...] = ()) -> pd.DataFrame:
    res = resource(read_descriptor(root), name)
    dtypes, dates = pandas_dtypes(res)
    dtypes.update({column: "string" for column in as_text})
    table = pd.read_csv(
        data_dir(root) / res["path"],
        dtype=dtypes,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    for column in dates:
        table[column] = pd.to_datetime(table[column], format="%Y-%m-%d").dt.date
    key = res["schema"]["primaryKey"]
    return table.sort_values(key).reset_index(drop=True)


def load_studies(root: Path | None = None) -> pd.DataFrame:
    return _load("studies", root)


# Numbers are also kept as typed, so the book prints them with the precision the
# source reported ("0.240" is 24.0%, "30.0" stays 30.0).
AS_TYPED = ("value", "ci_lower", "ci_upper")


def load_outcomes(root: Path | None = None) -> pd.DataFrame:
    """Reported numbers, each joined to its study's short name and design."""
    outcomes = _load("outcomes", root, as_text=AS_TYPED)
    for column in AS_TYPED:
        outcomes[f"{column}_text"] = outcomes[column]
        outcomes[column] = pd.to_numeric(outcomes[column]).astype("float64")
    studies = load_studies(root)[["study_id", "short_name", "design", "n_patients"]]
    return outcomes.merge(studies, on="study_id", how="left", validate="many_to_one")


def load_clinical_pathways(root: Path | None = None) -> pd.DataFrame:
    return _load("clinical_pathways", root)


def load_review_references(root: Path | None = None) -> pd.DataFrame:
    return _load("review_references", root)


def load_forest_plots(root: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The forest plots, and which outcome rows each shows."""
    return _load("forest_plots", root), _load("forest_plot_rows", root)


def evidence_as_of(root: Path | None = None) -> date:
    """The latest date on which any study in the dataset was checked."""
    return max(load_studies(root)["status_checked"])
