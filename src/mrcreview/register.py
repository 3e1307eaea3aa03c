"""The evidence register: one entry per reported number, the target of every number in the book."""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mrcreview.chapter_text import literal_arguments
from mrcreview.dependencies import recorded
from mrcreview.loading import load_figures, load_outcomes
from mrcreview.numbers import format_value, fraction, measured
from mrcreview.paths import chapter_files, project_root

NUMBER_ROLE = re.compile(r"\{n\}`([^`]*)`")

# The register's pages, each the studies whose names begin with a range of letters: (page, first, last).
# An edit to one row reads one part again, not every number of the book (at 50 times today's data, most
# of an edit's time), and no page lists them all. The letters are fixed rather than computed from the
# data, so a study's entries, and every link to them, stay on the same page as the data grows.
REGISTER_PARTS = [
    ("evidence-register-a-c", "A", "C"),
    ("evidence-register-d-g", "D", "G"),
    ("evidence-register-h-o", "H", "O"),
    ("evidence-register-p-q", "P", "Q"),
    ("evidence-register-r", "R", "R"),
    ("evidence-register-s-z", "S", "Z"),
]
REGISTER_INDEX = "evidence-register"


def anchor(outcome_id: str) -> str:
    return f"ev-{outcome_id}"


def study_anchor(study_id: str) -> str:
    return f"reg-{study_id}"


def register_part(study_name: str) -> str:
    """The register page of a study, by the first letter of its name (accents set aside). A name that
    begins with no letter A-Z goes to the first part: digits and signs come first in an index."""
    letter = unicodedata.normalize("NFKD", str(study_name).strip()[:1]).upper()[:1]
    return next((page for page, first, last in REGISTER_PARTS if first <= letter <= last), REGISTER_PARTS[0][0])


def part_letters(page: str) -> str:
    first, last = next((first, last) for name, first, last in REGISTER_PARTS if name == page)
    return first if first == last else f"{first}–{last}"


def number_link(outcome_id: str, text: str) -> str:
    # Values are made by format_value (digits, %, words, parentheses): safe as a link title.
    return f"{{ref}}`{text} <{anchor(outcome_id)}>`"


def numbers_in(source: str) -> list[str]:
    """The outcome rows a chapter places in its prose with {n}, in order of first use."""
    return list(dict.fromkeys(id.strip() for id in NUMBER_ROLE.findall(source)))


@recorded
def numbers_used(*, root: Path | None = None) -> dict[str, list[str]]:
    """Which outcome rows each chapter shows: placed in its prose with {n}, loaded by id in its code
    for a table, or drawn in a figure it glues. Prose placements come first, in order of use."""
    root = root or project_root()
    figures = load_figures(root=root)[1].groupby("figure_id")["outcome_id"].apply(list).to_dict()
    used = {}
    for chapter in chapter_files(root):
        source = chapter.read_text(encoding="utf-8")
        named = [
            value
            for _, _, function, value in literal_arguments(source, "load_outcomes", "glue_figure")
            for value in (figures.get(value, []) if function == "glue_figure" else [value])
        ]
        keys = list(dict.fromkeys(numbers_in(source) + named))
        if keys:
            used[chapter.stem] = keys
    return used


def chapters_showing(used: dict[str, list[str]]) -> dict[str, list[str]]:
    """The chapters that show each number (from numbers_used): the one answer the register, What's new
    and a pull request's summary give to where a number is shown."""
    chapters_of: dict[str, list[str]] = {}
    for chapter, keys in used.items():
        for key in keys:
            chapters_of.setdefault(key, []).append(chapter)
    return chapters_of


@dataclass(frozen=True)
class Entry:
    """One row of outcomes.csv as the register shows it; the text is the contributor's, to be shown as text."""

    outcome_id: str
    measured: str  # what was measured, in whom and when: the entry's name for readers
    value: str
    facts: list[str]
    source: str
    chapters: list[str]


@dataclass(frozen=True)
class Source:
    """A study and the source its numbers come from, cited once above them."""

    study_id: str
    study: str
    citation_key: str
    entries: list[Entry]


@dataclass(frozen=True)
class Part:
    """One page of the register: its studies, in order, and the numbers they hold."""

    page: str
    studies: list[tuple[str, str]]  # (study_id, name)
    outcome_ids: list[str]


def register_entries(outcomes: pd.DataFrame, used: dict[str, list[str]]) -> list[Source]:
    """Every row of outcomes under its study and source, studies in alphabetical order: a study's
    numbers read together, and each source is cited once, not once per number (citations are much of
    what the page costs to build)."""
    chapters_of = chapters_showing(used)
    ordered = outcomes.sort_values(["short_name", "citation_key", "outcome_id"], key=lambda c: c.str.casefold())
    sources: dict[tuple, Source] = {}
    for row in ordered.to_dict("records"):
        group = (row["short_name"], row["citation_key"])
        if group not in sources:
            sources[group] = Source(row["study_id"], row["short_name"], row["citation_key"], [])
        sources[group].entries.append(_entry(row, chapters_of.get(row["outcome_id"], [])))
    return list(sources.values())


def _entry(row: dict, chapters: list[str]) -> Entry:
    facts = [f"n/N {fraction(row)}"] if fraction(row) else []
    source = f"found in: {row['source_location']}"
    if pd.notna(row["review_ref"]):
        source += f"; through reference {int(row['review_ref'])} of the source review"
    return Entry(row["outcome_id"], measured(row), format_value(row), facts, source, chapters)


def _parts_of(outcomes: pd.DataFrame) -> pd.Series:
    return outcomes["short_name"].map(register_part)


@recorded
def register_part_entries(page: str, *, root: Path | None = None) -> list[Source]:
    """The sources and entries on one page of the register (REGISTER_PARTS)."""
    root = root or project_root()
    outcomes = load_outcomes(root=root)
    return register_entries(outcomes[_parts_of(outcomes) == page], numbers_used(root=root))


@recorded
def register_contents(*, root: Path | None = None) -> list[Part]:
    """Every page of the register with its studies: what the register's first page lists. It changes
    only when a study or a row is added, removed or renamed, not when a value is corrected."""
    outcomes = load_outcomes(root=root or project_root())
    ordered = outcomes.sort_values("short_name", key=lambda c: c.str.casefold())
    parts = _parts_of(ordered)
    contents = []
    for page, _, _ in REGISTER_PARTS:
        studies = ordered.loc[parts == page, ["study_id", "short_name"]].drop_duplicates()
        names = list(zip(studies["study_id"], studies["short_name"], strict=True))
        contents.append(Part(page, names, sorted(ordered.loc[parts == page, "outcome_id"])))
    return contents
