"""The evidence register: one entry per reported number, the target of every number in the book."""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mrcreview.chapter_text import literal_arguments
from mrcreview.dependencies import recorded
from mrcreview.loading import load_figures
from mrcreview.numbers import format_value, fraction
from mrcreview.paths import chapter_files, project_root

NUMBER_ROLE = re.compile(r"\{n\}`([^`]*)`")


def anchor(outcome_id: str) -> str:
    return f"ev-{outcome_id}"


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


@dataclass(frozen=True)
class Entry:
    """One row of outcomes.csv as the register shows it; the text is the contributor's, to be shown as text."""

    outcome_id: str
    value: str
    facts: list[str]
    source: str
    chapters: list[str]


@dataclass(frozen=True)
class Source:
    """A study and the source its numbers come from, cited once above them."""

    study: str
    citation_key: str
    entries: list[Entry]


def register_entries(outcomes: pd.DataFrame, used: dict[str, list[str]]) -> list[Source]:
    """Every row of outcomes.csv under its study and source, studies in alphabetical order: a study's
    numbers read together, and each source is cited once, not once per number (citations are much of
    what the page costs to build)."""
    chapters_of: dict[str, list[str]] = {}
    for chapter, keys in used.items():
        for key in keys:
            chapters_of.setdefault(key, []).append(chapter)
    ordered = outcomes.sort_values(["short_name", "citation_key", "outcome_id"], key=lambda c: c.str.casefold())
    return [
        Source(name, key, [_entry(row, chapters_of.get(row["outcome_id"], [])) for _, row in rows.iterrows()])
        for (name, key), rows in ordered.groupby(["short_name", "citation_key"], sort=False)
    ]


def _entry(row: pd.Series, chapters: list[str]) -> Entry:
    facts = [row["outcome"], row["arm"]]
    if pd.notna(row["timepoint"]):
        facts.append(row["timepoint"])
    if fraction(row):
        facts.append(f"n/N {fraction(row)}")
    source = f"found in: {row['source_location']}"
    if pd.notna(row["review_ref"]):
        source += f"; through reference {int(row['review_ref'])} of the source review"
    return Entry(row["outcome_id"], format_value(row), facts, source, chapters)
