"""Load the curated CSVs as typed, sorted pandas tables.

Loading assumes the data passed `python -m mrcreview check`; the build runs the
check before any chapter executes.
"""

import functools
import io
import json
from pathlib import Path

import pandas as pd

from mrcreview.csv_rows import as_written
from mrcreview.dependencies import recorded
from mrcreview.numbers import format_value, fraction, interval, measured
from mrcreview.paths import data_dir
from mrcreview.schema import DESCRIPTOR, pandas_dtypes, resource


def _load(name: str, root: Path | None = None, as_text: tuple[str, ...] = ()) -> pd.DataFrame:
    return _parsed(*_contents(name, root), as_text).copy()


def _contents(name: str, root: Path | None) -> tuple[bytes, str, bytes]:
    descriptor = (data_dir(root) / DESCRIPTOR).read_bytes()
    return descriptor, name, (data_dir(root) / _path_of(descriptor, name)).read_bytes()


@functools.lru_cache(maxsize=32)
def _path_of(descriptor: bytes, name: str) -> str:
    return resource(json.loads(descriptor), name)["path"]


# Before a build decides what to read it answers every call its pages recorded (a hundred or more
# loads of the same few files), and each {n} role loads a row: a file is parsed once per content,
# and every load hands out a copy.
@functools.lru_cache(maxsize=32)
def _parsed(descriptor: bytes, name: str, csv: bytes, as_text: tuple[str, ...]) -> pd.DataFrame:
    res = resource(json.loads(descriptor), name)
    dtypes, dates = pandas_dtypes(res)
    dtypes.update({column: "string" for column in as_text})
    table = pd.read_csv(
        io.StringIO(as_written(csv.decode("utf-8"))),  # what the check read: a spreadsheet's BOM and CRLF too
        dtype=dtypes,
        keep_default_na=False,
        na_values=[""],
    )
    for column in dates:
        table[column] = pd.to_datetime(table[column], format="%Y-%m-%d").dt.date
    key = res["schema"]["primaryKey"]
    return table.sort_values(key).reset_index(drop=True)


@recorded
def load_studies(*study_ids: str, root: Path | None = None) -> pd.DataFrame:
    """Every study; with study_ids, only those, in the order given (an unknown id is an error)."""
    return _only(_load("studies", root), "study_id", study_ids, "studies.csv")


# Numbers are also kept as typed, so the book prints them with the precision the
# source reported ("0.240" is 24.0%, "30.0" stays 30.0).
AS_TYPED = ("value", "ci_lower", "ci_upper")


@recorded
def load_outcomes(*outcome_ids: str, root: Path | None = None) -> pd.DataFrame:
    """Reported numbers, each joined to its study's short name and design; with outcome_ids, only
    those rows, in the order given.

    A chapter that asks for the rows it shows is run again only when one of them changes."""
    every = _joined(_contents("outcomes", root), _contents("studies", root))
    return _only(every, "outcome_id", outcome_ids, "outcomes.csv").copy()


@functools.lru_cache(maxsize=8)
def _joined(outcomes: tuple, studies: tuple) -> pd.DataFrame:
    table = _parsed(*outcomes, AS_TYPED).copy()
    for column in AS_TYPED:
        table[f"{column}_text"] = table[column]
        table[column] = pd.to_numeric(table[column]).astype("float64")
    studies = _parsed(*studies, ())[["study_id", "short_name", "design", "n_patients"]]
    return table.merge(studies, on="study_id", how="left", validate="many_to_one")


def _only(table: pd.DataFrame, key: str, wanted: tuple[str, ...], file: str) -> pd.DataFrame:
    if not wanted:
        return table
    indexed = table.set_index(key, drop=False)
    if missing := [i for i in wanted if i not in indexed.index]:
        raise not_found(key, file, missing)
    return indexed.loc[list(wanted)].reset_index(drop=True)


def not_found(key: str, file: str, missing: list[str]) -> KeyError:
    return KeyError(f"{key} not in data/{file}: {', '.join(missing)}")


@recorded
def number_text(outcome_id: str, *, root: Path | None = None) -> str:
    """One reported number as the book prints it (what a {n} role shows)."""
    rows = _rows_by_id(_contents("outcomes", root), _contents("studies", root))
    if outcome_id not in rows:
        raise not_found("outcome_id", "outcomes.csv", [outcome_id])
    return format_value(rows[outcome_id])


@recorded
def number_details(outcome_id: str, *, root: Path | None = None) -> dict[str, str]:
    """What a reader is shown of a number placed in prose, besides the number itself: what was measured,
    in whom and when, n/N, the interval, the design, the study and where in its source the number is.
    Values are the contributor's text (to be shown as text); an empty one was not reported."""
    rows = _rows_by_id(_contents("outcomes", root), _contents("studies", root))
    if outcome_id not in rows:
        raise not_found("outcome_id", "outcomes.csv", [outcome_id])
    row = rows[outcome_id]
    identified = row["design"] != "not identified"
    reference = f"reference {int(row['review_ref'])} of the source review" if pd.notna(row["review_ref"]) else ""
    return {
        "value": format_value(row),
        "measured": measured(row),
        "n": fraction(row) or "",
        "interval": interval(row) or "",
        "design": str(row["design"]) if identified else "",
        "study": str(row["short_name"]) if identified else f"{reference or 'a work'}, not yet identified",
        "found_in": str(row["source_location"]),
        "citation_key": str(row["citation_key"]),
    }


# Every build asks for each number placed in prose (80 and more) before it decides what to read: a
# lookup, not a table cut out and copied per number, is a tenth of the time.
@functools.lru_cache(maxsize=8)
def _rows_by_id(outcomes: tuple, studies: tuple) -> dict[str, dict]:
    return _joined(outcomes, studies).set_index("outcome_id", drop=False).to_dict("index")


@recorded
def load_clinical_pathways(*, root: Path | None = None) -> pd.DataFrame:
    return _load("clinical_pathways", root)


@recorded
def load_review_references(*, root: Path | None = None) -> pd.DataFrame:
    return _load("review_references", root)


@recorded
def load_searches(*, root: Path | None = None) -> pd.DataFrame:
    return _load("searches", root)


@recorded
def load_screening(*, root: Path | None = None) -> pd.DataFrame:
    return _load("screening", root)


@recorded
def load_findings_data(*, root: Path | None = None) -> tuple[pd.DataFrame, ...]:
    """The summary of findings' tables: questions, which numbers answer each, whether each study's
    patients had metastases, and the certainty ratings reviewers recorded."""
    return tuple(_load(name, root) for name in ("questions", "question_outcomes", "study_settings", "certainty"))


@recorded
def load_figures(*, root: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures described in data, and which outcome rows each shows."""
    return _load("figures", root), _load("figure_rows", root)


@recorded
def load_figure(figure_id: str, *, root: Path | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """One figure of data/figures.csv and the outcome rows it shows (in outcome_id order)."""
    figures = _only(_load("figures", root), "figure_id", (figure_id,), "figures.csv")
    rows = _load("figure_rows", root)
    ids = rows.loc[rows["figure_id"] == figure_id, "outcome_id"]
    return figures.iloc[0], load_outcomes.__wrapped__(*ids, root=root)


@recorded
def count_rows(name: str, *, root: Path | None = None) -> int:
    """How many rows a data file has (the resource of that name in datapackage.json)."""
    return len(_load(name, root))
