"""Check data/, refs.bib, CITATION.cff, releases/ and the chapters before anything is built.

The data package schema (data/datapackage.json) carries every per-column rule and is
enforced by the frictionless library (package_check.py); the raw file format (csv_rows.py),
rules across columns and tables (data_rules.py), citations, release snapshots
(release_snapshots.py) and chapters are checked by their own modules, each file opened
only through inputs.py.
"""

from datetime import date
from pathlib import Path

from mrcreview.bibliography import check_bibliography
from mrcreview.chapter_rules import Known, chapter_problems
from mrcreview.citation_file import check_citation_file
from mrcreview.data_rules import (
    citation_key_problems,
    figure_problems,
    outcome_problems,
    review_reference_problems,
    screening_problems,
    search_problems,
    study_problems,
)
from mrcreview.findings_rules import certainty_problems, question_problems
from mrcreview.inputs import file_problem, place_problem
from mrcreview.package_check import new_schema_problems, read_schema, read_tables
from mrcreview.paths import chapter_files
from mrcreview.problems import Problem
from mrcreview.release_snapshots import snapshot_problems

MAX_CHAPTER = 2**20  # bytes in one chapter: the longest is 40 KB


def ids(
    tables: dict[str, list[tuple[int, dict]]], file: str | None, column: str, unread: set[str]
) -> frozenset[str] | None:
    """The ids a table defines; None when the table could not be read (no chapter is told an id is unknown
    because a spreadsheet saved the table with semicolons)."""
    if file in unread:
        return None
    return frozenset(row[column] for _, row in tables.get(file, []) if row.get(column))


def check_project(root: Path, today: date | None = None) -> list[Problem]:
    """Every problem in the project's inputs, sorted by file and line."""
    today = today or date.today()
    descriptor, package, problems = read_schema(root)
    bib_problems, keys = check_bibliography(root)
    problems += bib_problems
    problems += check_citation_file(root)
    if descriptor is None:
        return sorted(problems, key=_order)
    tables, found, raw_ok = read_tables(root, descriptor["resources"])
    problems += found
    unread = {file for file, rows in tables.items() if not rows and any(p.file == file for p in found)}
    if raw_ok:
        problems += new_schema_problems(package, descriptor, "data", problems)
    paths = {res["name"]: f"data/{res['path']}" for res in descriptor["resources"]}
    if "outcomes" in paths:
        problems += outcome_problems(paths["outcomes"], tables[paths["outcomes"]])
    if "studies" in paths:
        problems += study_problems(paths["studies"], tables[paths["studies"]], today)
    if "review_references" in paths:
        problems += review_reference_problems(paths["review_references"], tables[paths["review_references"]])
    if "screening" in paths:
        searches = tables.get(paths.get("searches"), [])
        problems += screening_problems(paths["screening"], tables[paths["screening"]], today, searches)
    if "searches" in paths:
        problems += search_problems(paths["searches"], tables[paths["searches"]], today)
    if "questions" in paths:
        problems += question_problems(paths["questions"], tables[paths["questions"]], root)
    if {"certainty", "question_outcomes"} <= set(paths):
        shown = {(row["question_id"], row["outcome"]) for _, row in tables[paths["question_outcomes"]]}
        problems += certainty_problems(paths["certainty"], tables[paths["certainty"]], shown, today)
    # figures are checked against the outcomes' units only when every table could be read
    if raw_ok and {"figures", "figure_rows", "outcomes"} <= set(paths):
        units = {row["outcome_id"]: row["unit"] for _, row in tables[paths["outcomes"]]}
        problems += figure_problems(paths["figures"], tables[paths["figures"]], tables[paths["figure_rows"]], units)
    if keys is not None:  # an unreadable refs.bib is one problem, not one per citation
        problems += citation_key_problems(tables, keys)
    known = Known(
        outcome_ids=ids(tables, paths.get("outcomes"), "outcome_id", unread),
        study_ids=ids(tables, paths.get("studies"), "study_id", unread),
        figure_ids=ids(tables, paths.get("figures"), "figure_id", unread),
        citation_keys=None if keys is None else frozenset(keys),
        resources=frozenset(paths),
    )
    problems += snapshot_problems(root, descriptor, today, keys)
    # the chapter rules read every chapter: only when each may be read
    problems += chapter_file_problems(root) or chapter_problems(root, known)
    return sorted(set(problems), key=_order)


def chapter_file_problems(root: Path) -> list[Problem]:
    if problem := place_problem(root, "book"):
        return [problem]
    names = [path.relative_to(root).as_posix() for path in chapter_files(root)]
    return [problem for name in names if (problem := file_problem(root, name, "a chapter", MAX_CHAPTER))]


def _order(problem: Problem):
    return (problem.file, problem.line or 0, problem.column or 0, problem.field or "", problem.expected)
