"""Load the curated CSVs as typed, sorted pandas tables.

Loading assumes the data passed `python -m mrcreview check`; the build runs the
check before any chapter executes.
"""

import re
from datetime import date
from pathlib import Path

import pandas as pd

from mrcreview.paths import data_dir, project_root
from mrcreview.reads import narrow_reads
from mrcreview.schema import pandas_dtypes, read_descriptor, resource


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


def named_in(chapter: str, keys: pd.Series, root: Path | None = None) -> set[str]:
    """The keys that book/<chapter>.md names: in its prose, its glue roles or its code."""
    text = ((root or project_root()) / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    return set(keys) & set(re.findall(r"[\w-]+", text))


def load_studies(root: Path | None = None, *, chapter: str | None = None) -> pd.DataFrame:
    """Every study; with chapter, only those it names and those of the outcome rows it names."""
    studies = _load("studies", root)
    if chapter is None:
        return studies
    wanted = named_in(chapter, studies["study_id"], root) | set(load_outcomes(root, chapter=chapter)["study_id"])
    return studies[studies["study_id"].isin(wanted)].reset_index(drop=True)


# Numbers are also kept as typed, so the book prints them with the precision the
# source reported ("0.240" is 24.0%, "30.0" stays 30.0).
AS_TYPED = ("value", "ci_lower", "ci_upper")


def load_outcomes(root: Path | None = None, *, chapter: str | None = None, plotted: bool = False) -> pd.DataFrame:
    """Reported numbers, each joined to its study's short name and design; with chapter, only
    the rows that chapter names by outcome_id; with plotted, only the rows in a forest plot."""
    outcomes = _load("outcomes", root, as_text=AS_TYPED)
    if chapter is not None:
        outcomes = outcomes[outcomes["outcome_id"].isin(named_in(chapter, outcomes["outcome_id"], root))]
    if plotted:
        outcomes = outcomes[outcomes["outcome_id"].isin(_load("forest_plot_rows", root)["outcome_id"])]
    outcomes = outcomes.reset_index(drop=True)
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


def count_rows(name: str, root: Path | None = None) -> int:
    """How many rows a data file has (the resource of that name in datapackage.json)."""
    return len(_load(name, root))


def rows_read(source: str, root: Path | None = None) -> str:
    """What the narrow reads in a chapter's source return, as text: it changes exactly when
    one of them would return something else."""
    functions = {"load_outcomes": load_outcomes, "load_studies": load_studies, "count_rows": count_rows}
    parts = []
    for function, argument, args, kwargs in narrow_reads(source):
        result = functions[function](*args, root=root, **kwargs)
        text = result.to_csv(index=False) if isinstance(result, pd.DataFrame) else str(result)
        parts.append(f"{function}({argument}):\n{text}\n")
    return "".join(parts)


def evidence_as_of(root: Path | None = None) -> date:
    """The latest date on which any study in the dataset was checked."""
    return max(load_studies(root)["status_checked"])
